// Hostile KRPC: malformed and oversized datagrams, a flood from one address, spoofed senders.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { bencode } from '../bencode';
import type { PeerAddress } from '../net/peer-address';
import { DhtNode } from './dht-node';
import { encodeQuery, parseMessage } from './krpc';
import { randomId } from './node-id';

interface Sent {
  readonly bytes: Buffer;
  readonly to: PeerAddress;
  /** Size of the datagram being handled when this was sent (a reply may not exceed it). */
  readonly trigger: number;
}

function harness() {
  const sent: Sent[] = [];
  let trigger = 0;
  const node = new DhtNode({ send: (bytes, to) => sent.push({ bytes, to, trigger }), bootstrap: [] });
  return {
    node,
    sent,
    deliver(bytes: Uint8Array, from: PeerAddress) {
      trigger = bytes.length;
      node.receive(bytes, from);
    },
    replies: () => sent.filter((s) => s.bytes[0] === 0x64 && !isQuery(s.bytes)),
  };
}

function isQuery(bytes: Buffer): boolean {
  try {
    return parseMessage(bytes).y === 'q';
  } catch {
    return false;
  }
}

const valid = () => [
  encodeQuery(Buffer.from('t1'), randomId(), { method: 'ping' }),
  encodeQuery(Buffer.from('t2'), randomId(), { method: 'find_node', target: randomId() }),
  encodeQuery(Buffer.from('t3'), randomId(), { method: 'get_peers', infoHash: randomId(), want: { v4: true, v6: true } }),
  encodeQuery(Buffer.from('t4'), randomId(), { method: 'announce_peer', infoHash: randomId(), port: 1, impliedPort: true, token: Buffer.alloc(8) }),
  Buffer.from(bencode({ t: 'xx', y: 'q', q: 'nope', a: { id: randomId() } })),
];

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('DhtNode under hostile input', () => {
  it('survives a fuzz of malformed and oversized datagrams, never replying with more than it got', () => {
    const h = harness();
    stop = () => h.node.close();
    const seeds = valid();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }),
          fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, at, v]) => {
            const copy = Buffer.from(b);
            copy[at % copy.length] = v;
            return copy;
          }),
          fc.tuple(fc.constantFrom(...seeds), fc.nat()).map(([b, n]) => b.subarray(0, n % b.length)),
          fc.tuple(fc.constantFrom(...seeds), fc.uint8Array({ maxLength: 2000 })).map(([b, tail]) => Buffer.concat([b, tail])),
          fc.nat({ max: 5000 }).map((depth) => Buffer.from(`d1:t2:aa1:y1:q1:q4:ping1:a${'l'.repeat(depth)}`)),
        ),
        fc.integer({ min: 1, max: 250 }),
        (bytes, host) => {
          h.deliver(bytes, { host: `10.7.0.${host}`, port: 4000 + host });
        },
      ),
      { numRuns: 5000 },
    );
    for (const s of h.replies()) expect(s.bytes.length).toBeLessThanOrEqual(s.trigger);
    // Still answering a well-formed query from a newcomer.
    h.sent.length = 0;
    h.deliver(encodeQuery(Buffer.from('ok'), randomId(), { method: 'ping' }), { host: '10.8.0.1', port: 1 });
    expect(h.replies().map((s) => parseMessage(s.bytes).t.toString())).toEqual(['ok']);
  });

  it('rate-limits a flood from one address while answering others', () => {
    const h = harness();
    stop = () => h.node.close();
    const flooder = { host: '6.6.6.6', port: 666 };
    const started = Date.now();
    for (let i = 0; i < 20_000; i++) h.deliver(encodeQuery(Buffer.from([i >> 8, i & 255]), randomId(), { method: 'get_peers', infoHash: randomId() }), flooder);
    const toFlooder = h.replies().filter((s) => s.to.host === flooder.host);
    expect(toFlooder.length).toBeGreaterThan(0);
    // A burst of 30, then 10 a second.
    expect(toFlooder.length).toBeLessThanOrEqual(30 + Math.ceil((10 * (Date.now() - started)) / 1000));
    // The checking pings to the flooder are bounded too.
    expect(h.sent.filter((s) => s.to.host === flooder.host && isQuery(s.bytes)).length).toBeLessThanOrEqual(16);
    h.sent.length = 0;
    for (let i = 0; i < 50; i++) h.deliver(encodeQuery(Buffer.from('ok'), randomId(), { method: 'find_node', target: randomId() }), { host: `10.9.0.${i}`, port: 1 });
    expect(h.replies()).toHaveLength(50);
  });

  it('keeps a bounded peer store whatever is announced, from however many addresses', async () => {
    const h = harness();
    stop = () => h.node.close();
    const infoHash = randomId();
    for (let i = 0; i < 3000; i++) {
      const from = { host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 2000 };
      h.sent.length = 0;
      h.deliver(encodeQuery(Buffer.from('gp'), randomId(), { method: 'get_peers', infoHash }), from);
      const reply = parseMessage(h.replies()[0]!.bytes);
      const token = reply.y === 'r' ? reply.response.token! : Buffer.alloc(0);
      h.deliver(encodeQuery(Buffer.from('an'), randomId(), { method: 'announce_peer', infoHash, port: 1 + i, impliedPort: false, token }), from);
    }
    // The checking pings to the 3000 announcers (at most 16 at once) time out unanswered first.
    await new Promise((r) => setTimeout(r, 2200));
    // A verified asker gets the full answer: never more than 50 peers, whatever was announced.
    const asker = { host: '10.200.0.1', port: 1 };
    h.sent.length = 0;
    h.deliver(encodeQuery(Buffer.from('q1'), randomId(), { method: 'get_peers', infoHash }), asker);
    const ping = h.sent.map((s) => parseMessage(s.bytes)).find((m) => m.y === 'q');
    expect(ping).toBeDefined();
    h.deliver(Buffer.from(bencode({ t: ping!.t, y: 'r', r: { id: randomId() } })), asker);
    await new Promise((r) => setImmediate(r));
    h.sent.length = 0;
    h.deliver(encodeQuery(Buffer.from('q2'), randomId(), { method: 'get_peers', infoHash }), asker);
    const full = parseMessage(h.replies()[0]!.bytes);
    expect(full.y === 'r' && full.response.values?.length).toBe(50);
    expect(h.replies()[0]!.bytes.length).toBeLessThan(1500);
  });
});
