import { describe, expect, it } from 'vitest';
import type { ExtendedHandshake } from '../wire/extended-handshake';
import { decodeExtensionDict } from '../wire/extension-dict';
import { encodePexMessage, parsePexMessage } from '../wire/ut-pex';
import { PEX_FLAG_REACHABLE, PEX_FLAG_SEED, PEX_FLAG_UTP, PEX_INTERVAL_MS, PexLink, type PexConnection, type PexContact } from './pex-link';
import type { PeerAddress } from '../net/peer-address';

/** A connection to 10.0.0.9:5000 whose extended handshake named ut_pex as 7 (or not at all). */
function fakeConn(theirPex: number | null = 7) {
  const sent: { id: number; payload: Uint8Array }[] = [];
  const handshake: ExtendedHandshake = { m: theirPex === null ? {} : { ut_pex: theirPex }, p: 6000 };
  const conn: PexConnection = {
    peerExtendedHandshake: handshake,
    isOpen: true,
    remoteAddress: '::ffff:10.0.0.9',
    remotePort: 5000,
    sendExtended: (id, payload) => void sent.push({ id, payload }),
  };
  return { conn, sent };
}

const contact = (n: number, flags = PEX_FLAG_REACHABLE): PexContact => ({ host: `10.0.1.${n}`, port: 6881, flags });

describe('PexLink', () => {
  it('tells the peer our connections, then once a minute only what changed, at most 50 each way', () => {
    let now = 1_000_000;
    const { conn, sent } = fakeConn();
    const link = new PexLink(conn, () => {}, () => now);
    let contacts = Array.from({ length: 60 }, (_, i) => contact(i, i === 0 ? PEX_FLAG_SEED | PEX_FLAG_REACHABLE : PEX_FLAG_REACHABLE));
    // The peer itself (at its connection's address or its listening port) is never named to it.
    contacts.push({ host: '10.0.0.9', port: 6000, flags: 0 });
    link.tick(() => contacts);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.id).toBe(7);
    const first = parsePexMessage(sent[0]!.payload);
    expect(first.added).toHaveLength(50);
    expect(first.added[0]).toEqual({ host: '10.0.1.0', port: 6881, flags: PEX_FLAG_SEED | PEX_FLAG_REACHABLE });
    expect(first.dropped).toEqual([]);

    now += PEX_INTERVAL_MS - 1;
    link.tick(() => contacts);
    expect(sent).toHaveLength(1); // not before a minute has passed

    now += 1;
    contacts = contacts.filter((c) => c.host !== '10.0.1.3');
    link.tick(() => contacts);
    const second = parsePexMessage(sent[1]!.payload);
    expect(second.added.map((p) => p.host)).toEqual(Array.from({ length: 10 }, (_, i) => `10.0.1.${50 + i}`));
    expect(second.dropped).toEqual([{ host: '10.0.1.3', port: 6881 }]);

    now += PEX_INTERVAL_MS;
    link.tick(() => contacts);
    expect(sent).toHaveLength(2); // nothing changed: nothing sent
  });

  it('sends nothing to a peer that did not offer ut_pex', () => {
    const { conn, sent } = fakeConn(null);
    new PexLink(conn, () => {}).tick(() => [contact(1)]);
    expect(sent).toEqual([]);
  });

  it('learns added peers once each, without the sender itself, ignoring a flood and capping what one peer teaches', () => {
    let now = 0;
    const learned: PeerAddress[] = [];
    const { conn } = fakeConn();
    const link = new PexLink(conn, (a) => learned.push(...a), () => now);
    const added = Array.from({ length: 50 }, (_, i) => ({ host: `10.2.0.${i}`, port: 1000 + i }));
    link.receive(encodePexMessage({ added: [...added, { host: '10.0.0.9', port: 6000 }], dropped: [] }));
    expect(learned).toEqual(added);
    // A second message ten seconds later is a flood: ignored.
    now += 10_000;
    link.receive(encodePexMessage({ added: [{ host: '10.3.0.1', port: 1 }], dropped: [] }));
    expect(learned).toHaveLength(50);
    // However long it goes on, one peer teaches at most 200 addresses, each once.
    for (let round = 0; round < 20; round++) {
      now += 60_000;
      link.receive(encodePexMessage({ added: Array.from({ length: 50 }, (_, i) => ({ host: `10.4.${round}.${i}`, port: 80 })).concat(added.slice(0, 5)), dropped: [] }));
    }
    expect(learned).toHaveLength(200);
    expect(new Set(learned.map((p) => `${p.host}:${p.port}`)).size).toBe(200);
  });

  it('tells which learnt peers the sender flagged as speaking uTP (0x04), so they are dialled over it first', () => {
    const speaking: PeerAddress[] = [];
    const { conn } = fakeConn();
    const link = new PexLink(conn, (_all, utp) => speaking.push(...utp));
    link.receive(encodePexMessage({ added: [{ host: '10.5.0.1', port: 1, flags: PEX_FLAG_UTP }, { host: '10.5.0.2', port: 2, flags: PEX_FLAG_SEED }], dropped: [] }));
    expect(speaking).toEqual([{ host: '10.5.0.1', port: 1 }]);
  });

  it('refuses a malformed message with a protocol error', () => {
    const { conn } = fakeConn();
    const link = new PexLink(conn, () => {});
    expect(() => link.receive(Uint8Array.from(Buffer.from('d5:added3:abce')))).toThrow(/PEX/);
  });

  it('names IPv6 peers in added6 and dropped6 (BEP 11), and learns the ones a peer names there', () => {
    let now = 0;
    const learned: PeerAddress[] = [];
    const { conn, sent } = fakeConn();
    const link = new PexLink(conn, (a) => learned.push(...a), () => now);
    const v6 = (n: number): PexContact => ({ host: `2001:db8::${n}`, port: 51413, flags: PEX_FLAG_REACHABLE });
    link.tick(() => [contact(1), v6(1), v6(2)]);
    const first = decodeExtensionDict(sent[0]!.payload, 'our PEX message').dict;
    expect(Buffer.from(first.get('added6') as Uint8Array).toString('hex')).toBe('20010db8000000000000000000000001c8d520010db8000000000000000000000002c8d5');
    expect([...(first.get('added6.f') as Uint8Array)]).toEqual([PEX_FLAG_REACHABLE, PEX_FLAG_REACHABLE]);
    expect([...(first.get('added') as Uint8Array)]).toEqual([10, 0, 1, 1, 0x1a, 0xe1]);
    now += PEX_INTERVAL_MS;
    link.tick(() => [contact(1), v6(1)]);
    expect(parsePexMessage(sent[1]!.payload).dropped).toEqual([{ host: '2001:db8::2', port: 51413 }]);
    link.receive(encodePexMessage({ added: [{ host: '2001:db8::77', port: 6881 }], dropped: [] }));
    expect(learned).toEqual([{ host: '2001:db8::77', port: 6881 }]);
  });

  it('writes a message a BEP 11 reader understands (added, added.f, dropped)', () => {
    const { conn, sent } = fakeConn();
    new PexLink(conn, () => {}).tick(() => [contact(1)]);
    const { dict } = decodeExtensionDict(sent[0]!.payload, 'our PEX message');
    expect([...(dict.get('added') as Uint8Array)]).toEqual([10, 0, 1, 1, 0x1a, 0xe1]);
    expect([...(dict.get('added.f') as Uint8Array)]).toEqual([PEX_FLAG_REACHABLE]);
    expect([...(dict.get('dropped') as Uint8Array)]).toEqual([]);
  });
});
