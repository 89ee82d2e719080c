import { afterEach, describe, expect, it } from 'vitest';
import { bencode } from '../bencode';
import type { PeerAddress } from '../net/peer-address';
import { DhtNode } from './dht-node';
import { encodeQuery, parseMessage } from './krpc';
import { randomId } from './node-id';

/** DHT nodes on an in-memory network: datagrams are delivered on the next turn, hosts are 10.0.x.y. */
function memoryNetwork() {
  const nodes = new Map<string, DhtNode>();
  const key = (a: PeerAddress) => `${a.host}:${a.port}`;
  const started: DhtNode[] = [];
  let count = 0;
  return {
    nodes,
    add(bootstrap: PeerAddress[], extra: Partial<ConstructorParameters<typeof DhtNode>[0]> = {}, host?: string): { node: DhtNode; address: PeerAddress } {
      count++;
      const address = { host: host ?? `10.0.${count >> 8}.${count & 255}`, port: 6881 };
      const node = new DhtNode({
        send: (bytes, to) => setImmediate(() => nodes.get(key(to))?.receive(bytes, address)),
        bootstrap,
        ...extra,
      });
      nodes.set(key(address), node);
      started.push(node);
      return { node, address };
    },
    close: () => started.forEach((n) => n.close()),
  };
}

let close: (() => void) | undefined;
afterEach(() => close?.());

/** A first node, then `count` more joining one by one through it. */
async function grownNetwork(count: number) {
  const net = memoryNetwork();
  close = net.close;
  const first = net.add([]);
  const members = [];
  for (let i = 0; i < count; i++) {
    const n = net.add([first.address]);
    await n.node.bootstrap();
    members.push(n);
  }
  return { net, first, members };
}

describe('DhtNode', () => {
  it('bootstraps a network of 60 nodes, announces, and finds the announced peer from elsewhere', async () => {
    const { first, members: others } = await grownNetwork(59);
    expect(others.every((n) => n.node.nodeCount > 0)).toBe(true);
    expect(first.node.nodeCount).toBeGreaterThan(8);
    const infoHash = randomId();
    const announcer = others[10]!;
    const { announced } = await announcer.node.announce(infoHash, 51413);
    expect(announced).toBeGreaterThanOrEqual(4);
    const found = await others[50]!.node.getPeers(infoHash);
    expect(found.peers).toContainEqual({ host: announcer.address.host, port: 51413 });
  });

  it('answers unknown queries with error 204 and broken ones with 203', async () => {
    const sent: Buffer[] = [];
    const node = new DhtNode({ send: (bytes) => sent.push(bytes), bootstrap: [] });
    close = () => node.close();
    const from = { host: '10.9.9.9', port: 1 };
    node.receive(Buffer.from(bencode({ t: 'ab', y: 'q', q: 'vote', a: { id: randomId(), target: randomId() } })), from);
    node.receive(Buffer.from(bencode({ t: 'cd', y: 'q', q: 'get_peers', a: { id: randomId(), info_hash: Buffer.alloc(3), pad: 'x'.repeat(40) } })), from);
    const replies = sent.map((b) => parseMessage(b)).filter((m) => m.y === 'e');
    expect(replies).toEqual([
      { y: 'e', t: Buffer.from('ab'), code: 204, message: 'Method Unknown' },
      { y: 'e', t: Buffer.from('cd'), code: 203, message: 'Protocol Error' },
    ]);
  });

  it('keeps peers only for announces with a token it gave that address', async () => {
    const sent: { bytes: Buffer; to: PeerAddress }[] = [];
    const node = new DhtNode({ send: (bytes, to) => sent.push({ bytes, to }), bootstrap: [] });
    close = () => node.close();
    const infoHash = randomId();
    const asker = { host: '10.1.1.1', port: 7 };
    node.receive(encodeQuery(Buffer.from('t1'), randomId(), { method: 'get_peers', infoHash }), asker);
    const reply = sent.map((s) => parseMessage(s.bytes)).find((m) => m.y === 'r');
    const token = reply?.y === 'r' ? reply.response.token : undefined;
    expect(token).toBeDefined();
    // The same token from another address is refused; from the asker it is taken.
    node.receive(encodeQuery(Buffer.from('t2'), randomId(), { method: 'announce_peer', infoHash, port: 9000, impliedPort: false, token: token! }), { host: '10.1.1.2', port: 7 });
    node.receive(encodeQuery(Buffer.from('t3'), randomId(), { method: 'announce_peer', infoHash, port: 9000, impliedPort: false, token: token! }), asker);
    const errors = sent.map((s) => parseMessage(s.bytes)).filter((m) => m.y === 'e');
    expect(errors.map((e) => e.t.toString())).toEqual(['t2']);
    sent.length = 0;
    node.receive(encodeQuery(Buffer.from('t4'), randomId(), { method: 'get_peers', infoHash }), { host: '10.1.1.3', port: 8 });
    const values = sent.map((s) => parseMessage(s.bytes)).find((m) => m.y === 'r');
    // An unverified asker gets no more bytes than it sent, so the single peer fits or the reply is trimmed.
    expect(sent.every((s) => s.bytes.length <= encodeQuery(Buffer.from('t4'), randomId(), { method: 'get_peers', infoHash }).length)).toBe(true);
    expect(values?.y === 'r' && values.response.token).toBeTruthy();
  });

  it('comes back after a restart from its saved nodes alone', async () => {
    const { net, members } = await grownNetwork(20);
    const infoHash = randomId();
    await members[3]!.node.announce(infoHash, 7777);
    const saved = members[15]!.node.nodes();
    expect(saved.length).toBeGreaterThan(4);
    const restarted = net.add([], { savedNodes: saved, id: members[15]!.node.id });
    await restarted.node.bootstrap();
    expect(restarted.node.nodeCount).toBeGreaterThan(4);
    const found = await restarted.node.getPeers(infoHash);
    expect(found.peers).toContainEqual({ host: members[3]!.address.host, port: 7777 });
  });

  it('serves IPv6 nodes as nodes6 to an asker that wants n6 (BEP 32), and IPv4 ones as nodes', async () => {
    const net = memoryNetwork();
    close = net.close;
    const hub = net.add([], { ipv6: true });
    const v6 = net.add([hub.address], {}, '2001:db8::6');
    const v4 = net.add([hub.address]);
    await v6.node.bootstrap();
    await v4.node.bootstrap();
    // An asker the hub has verified (it answered the hub's ping) gets the full answer.
    const asker = net.add([hub.address]);
    await asker.node.bootstrap();
    const sent: Buffer[] = [];
    const ask = (want: { v4: boolean; v6: boolean }) =>
      hub.node.receive(encodeQuery(Buffer.from('w6'), asker.node.id, { method: 'find_node', target: randomId(), want }), asker.address);
    // From here the hub's replies to the asker land in `sent`.
    net.nodes.set(`${asker.address.host}:${asker.address.port}`, { receive: (b: Uint8Array) => sent.push(Buffer.from(b)) } as unknown as DhtNode);
    ask({ v4: true, v6: true });
    await new Promise((r) => setImmediate(r));
    const reply = sent.map((b) => parseMessage(b)).find((m) => m.y === 'r');
    expect(reply?.y === 'r' && reply.response.nodes6?.map((n) => n.host)).toEqual(['2001:db8::6']);
    expect(reply?.y === 'r' && reply.response.nodes?.some((n) => n.host === v4.address.host)).toBe(true);
  });

  it('announces and finds peers among IPv6 nodes (BEP 32: 18-byte values)', async () => {
    const net = memoryNetwork();
    close = net.close;
    const hub = net.add([], { ipv6: true }, '2001:db8::1');
    const members = [];
    for (let n = 2; n <= 10; n++) {
      const m = net.add([hub.address], { ipv6: true }, `2001:db8::${n}`);
      await m.node.bootstrap();
      members.push(m);
    }
    const infoHash = randomId();
    const { announced } = await members[1]!.node.announce(infoHash, 51413);
    expect(announced).toBeGreaterThanOrEqual(4);
    expect((await members[7]!.node.getPeers(infoHash)).peers).toContainEqual({ host: '2001:db8::3', port: 51413 });
  });
});
