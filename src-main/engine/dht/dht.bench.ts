// npm run bench:dht — a DHT of 200 Shoal nodes (this process) and 4 libtorrent nodes on 127.0.0.1.
// Shoal nodes announce 20 info-hashes; then Shoal nodes and libtorrent nodes look each up with
// get_peers. Prints the median and p95 lookup time, queries per lookup and how often the announced
// peer was found, for both, and Shoal's figures as ratios of libtorrent's. Run by dht.bench.mjs.
import { randomBytes } from 'node:crypto';
import { startLibtorrent, type LibtorrentPeer } from '../../testing/libtorrent';
import { PeerUdpSocket } from '../net/peer-udp-socket';
import { DhtNode } from './dht-node';

const SHOAL_NODES = Number(process.env.DHT_BENCH_NODES ?? 200);
const LIBTORRENT_NODES = 4;
const HASHES = 20;
const LOOKUPS_PER_HASH = 3;

interface Member {
  readonly node: DhtNode;
  readonly socket: PeerUdpSocket;
}

async function member(bootstrap: { host: string; port: number }[]): Promise<Member> {
  const socket = await PeerUdpSocket.bind(0, '127.0.0.1');
  const node = new DhtNode({ send: (bytes, to) => socket.send(bytes, to), bootstrap });
  socket.on('dht', (bytes, from) => node.receive(bytes, from));
  return { node, socket };
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

interface Lookup {
  readonly ms: number;
  readonly queries: number;
  readonly found: boolean;
  /** libtorrent only: its log never showed the lookup's end (its time is then unknown, left out). */
  readonly unseenEnd?: boolean;
}

function summary(label: string, all: readonly Lookup[]) {
  const runs = all.filter((r) => !r.unseenEnd);
  return {
    label,
    lookups: `${runs.length}${runs.length < all.length ? ` (+${all.length - runs.length} whose end was not seen)` : ''}`,
    median: quantile(runs.map((r) => r.ms), 0.5),
    p95: quantile(runs.map((r) => r.ms), 0.95),
    queries: quantile(runs.map((r) => r.queries), 0.5),
    found: all.filter((r) => r.found).length / all.length,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const members: Member[] = [await member([])];
  const first = { host: '127.0.0.1', port: members[0]!.socket.port };
  for (let i = 1; i < SHOAL_NODES; i++) members.push(await member([first, { host: '127.0.0.1', port: pick(members).socket.port }]));
  // Bootstrap in waves of 20, twice, so tables fill and addresses are verified both ways.
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < members.length; i += 20) await Promise.all(members.slice(i, i + 20).map((m) => m.node.bootstrap()));
  }
  const libtorrents: LibtorrentPeer[] = [];
  for (let i = 0; i < LIBTORRENT_NODES; i++) {
    const seeds = [pick(members), pick(members), pick(members)].map((m) => ['127.0.0.1', m.socket.port] as const);
    libtorrents.push(await startLibtorrent({ dhtNodes: seeds }));
  }
  await new Promise((r) => setTimeout(r, 3000)); // libtorrent's own bootstrap
  const nodeCounts = members.map((m) => m.node.nodeCount);
  console.error(`bench:dht: ${members.length} Shoal + ${libtorrents.length} libtorrent nodes up in ${Date.now() - started} ms; Shoal tables hold median ${quantile(nodeCounts, 0.5)} nodes`);

  const hashes = Array.from({ length: HASHES }, (_, i) => ({ hash: randomBytes(20), port: 20_000 + i }));
  for (const h of hashes) await pick(members).node.announce(h.hash, h.port);
  console.error('bench:dht: announced; Shoal lookups');

  const shoal: Lookup[] = [];
  for (const h of hashes) {
    for (let i = 0; i < LOOKUPS_PER_HASH; i++) {
      const { node } = pick(members);
      const sentBefore = node.queriesSent;
      const t0 = performance.now();
      const result = await node.getPeers(h.hash);
      shoal.push({ ms: performance.now() - t0, queries: node.queriesSent - sentBefore, found: result.peers.some((p) => p.port === h.port) });
    }
  }
  console.error('bench:dht: libtorrent lookups');
  const libtorrent: Lookup[] = [];
  for (const h of hashes) {
    for (let i = 0; i < LOOKUPS_PER_HASH; i++) {
      const r = await pick(libtorrents).getPeers(h.hash.toString('hex'), 5);
      libtorrent.push({ ms: r.ms, queries: r.messages_out, found: r.peers.some(([, port]) => port === h.port), unseenEnd: r.timed_out });
    }
  }

  const s = summary('Shoal', shoal);
  const l = summary('libtorrent 2.0.8', libtorrent);
  const row = (x: ReturnType<typeof summary>) =>
    `| ${x.label} | ${x.lookups} | ${x.median.toFixed(1)} | ${x.p95.toFixed(1)} | ${x.queries} | ${(x.found * 100).toFixed(0)} % |`;
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
  console.log(`get_peers lookups in a loopback DHT of ${members.length} Shoal and ${libtorrents.length} libtorrent nodes (${HASHES} info-hashes announced by Shoal nodes)\n`);
  console.log('| who looks up | lookups | median ms | p95 ms | queries per lookup (median) | announced peer found |');
  console.log('|---|---|---|---|---|---|');
  console.log(row(s));
  console.log(row(l));
  console.log(`| Shoal / libtorrent | | ${ratio(s.median, l.median)} | ${ratio(s.p95, l.p95)} | ${ratio(s.queries, l.queries)} | |`);

  await Promise.all(libtorrents.map((p) => p.stop()));
  for (const m of members) {
    m.node.close();
    await m.socket.close();
  }
}

await main();
