import bencode from 'bencode';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Magnet } from '../metainfo/magnet';
import type { Metainfo } from '../metainfo/metainfo';
import type { PeerAddress } from '../swarm/peer-registry';
import { PeerConnection } from '../wire/peer-connection';
import { generatePeerId } from '../wire/peer-id';
import { readHandshake } from '../wire/read-handshake';
import { encodeMetadataMessage, metadataPiece, parseMetadataMessage, UT_METADATA } from '../wire/ut-metadata';
import { MetadataFetch } from './metadata-fetch';

/** An info dictionary of four BEP 9 pieces (2,500 piece hashes are 50,000 bytes). */
function makeInfo(): { info: Uint8Array; infoHash: Uint8Array } {
  const info = bencode.encode({ length: 2500 * 16384, name: 'big.bin', 'piece length': 16384, pieces: randomBytes(2500 * 20) });
  return { info, infoHash: new Uint8Array(createHash('sha1').update(info).digest()) };
}

type Behaviour = 'honest' | 'lying' | 'rejecting' | 'silent';

interface FakePeer {
  readonly address: PeerAddress;
  /** Metadata pieces it was asked for. */
  readonly asked: number[];
  /** Connections it accepted. */
  connections(): number;
  stop(): Promise<void>;
}

const servers: Server[] = [];
const conns: PeerConnection[] = [];
const fetches: MetadataFetch[] = [];

afterEach(async () => {
  for (const f of fetches.splice(0)) await f.stop();
  for (const c of conns.splice(0)) c.close('test over');
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A peer that offers the metadata over BEP 9 and answers requests as `behaviour` says. */
async function fakePeer(info: Uint8Array, infoHash: Uint8Array, behaviour: Behaviour): Promise<FakePeer> {
  const asked: number[] = [];
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    readHandshake(socket).then((received) => {
      const conn = PeerConnection.accept(socket, received, { infoHash, peerId: generatePeerId() });
      conns.push(conn);
      conn.on('handshake', () => conn.sendExtendedHandshake({ m: { [UT_METADATA]: 3 }, metadataSize: info.length }));
      conn.on('extended', (id, payload) => {
        if (id !== 3) return;
        const message = parseMetadataMessage(payload);
        if (message.type !== 'request') return;
        asked.push(message.piece);
        const reply = conn.peerExtendedHandshake!.m[UT_METADATA]!;
        if (behaviour === 'silent') return;
        if (behaviour === 'rejecting') {
          conn.sendExtended(reply, encodeMetadataMessage({ type: 'reject', piece: message.piece }));
          return;
        }
        const data = new Uint8Array(metadataPiece(info, message.piece)!);
        if (behaviour === 'lying') data[0]! ^= 0xff;
        conn.sendExtended(reply, encodeMetadataMessage({ type: 'data', piece: message.piece, totalSize: info.length, data }));
      });
    }, () => undefined);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { address: { host: '127.0.0.1', port }, asked, connections: () => connections, stop: () => new Promise((r) => server.close(() => r())) };
}

interface Run {
  readonly fetch: MetadataFetch;
  readonly ready: Promise<{ metainfo: Metainfo; peers: PeerAddress[] }>;
  readonly log: string[];
}

function startFetch(infoHash: Uint8Array, peers: readonly FakePeer[]): Run {
  const log: string[] = [];
  let resolveReady!: (value: { metainfo: Metainfo; peers: PeerAddress[] }) => void;
  const ready = new Promise<{ metainfo: Metainfo; peers: PeerAddress[] }>((r) => (resolveReady = r));
  const magnet: Magnet = {
    infoHash,
    infoHashHex: Buffer.from(infoHash).toString('hex'),
    name: 'from the magnet',
    trackers: [],
    webSeeds: [],
    peers: peers.map((p) => p.address),
  };
  const fetch = new MetadataFetch({
    magnet,
    savePath: '/nowhere',
    peerId: generatePeerId(),
    listenPort: 1,
    maxConnections: 10,
    scheduling: { requestTimeoutMs: 300, cooldownMs: 200 },
    events: {
      ready: (_f, metainfo, handed) => resolveReady({ metainfo, peers: handed }),
      failed: (_f, error) => log.push(`failed: ${error.message}`),
      log: (_f, message) => log.push(message),
      changed: () => undefined,
    },
  });
  fetches.push(fetch);
  fetch.start();
  return { fetch, ready, log };
}

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not done in ${ms} ms`)), ms))]);

describe('MetadataFetch', () => {
  it('gets the metadata from two honest peers, asking both, and hands over the peers', async () => {
    const { info, infoHash } = makeInfo();
    const a = await fakePeer(info, infoHash, 'honest');
    const b = await fakePeer(info, infoHash, 'honest');
    const run = startFetch(infoHash, [a, b]);
    expect(run.fetch.state).toBe('metadata');
    const { metainfo, peers } = await within(run.ready, 5000);
    expect(metainfo.infoHashHex).toBe(Buffer.from(infoHash).toString('hex'));
    expect(Buffer.from(metainfo.infoBytes).equals(info)).toBe(true);
    expect(metainfo.name).toBe('big.bin');
    expect(a.asked.length).toBeGreaterThan(0);
    expect(b.asked.length).toBeGreaterThan(0);
    expect([...a.asked, ...b.asked].sort()).toEqual([...Array(Math.ceil(info.length / 16384)).keys()]);
    expect(peers).toEqual(expect.arrayContaining([a.address, b.address]));
  });

  it('drops a peer that sends bad data and asks another for its pieces', async () => {
    const { info, infoHash } = makeInfo();
    const liar = await fakePeer(info, infoHash, 'lying');
    const honest = await fakePeer(info, infoHash, 'honest');
    const run = startFetch(infoHash, [liar, honest]);
    const { metainfo, peers } = await within(run.ready, 5000);
    expect(Buffer.from(metainfo.infoBytes).equals(info)).toBe(true);
    expect(liar.asked.length).toBeGreaterThan(0);
    expect(run.log).toContainEqual(expect.stringMatching(new RegExp(`^banned 127\\.0\\.0\\.1:${liar.address.port}: sent metadata`)));
    expect(peers).not.toContainEqual(liar.address);
  });

  it('bans a lone liar and never calls its data the metadata', async () => {
    const { info, infoHash } = makeInfo();
    const liar = await fakePeer(info, infoHash, 'lying');
    const run = startFetch(infoHash, [liar]);
    let ready = false;
    void run.ready.then(() => (ready = true));
    await within(
      new Promise<void>((r) => {
        const poll = setInterval(() => run.log.some((l) => l.startsWith('banned')) && (clearInterval(poll), r()), 20);
      }),
      5000,
    );
    expect(ready).toBe(false);
    expect(run.fetch.peerCount).toBe(0);
  });

  it('asks another peer for pieces one rejects', async () => {
    const { info, infoHash } = makeInfo();
    const rejecter = await fakePeer(info, infoHash, 'rejecting');
    const honest = await fakePeer(info, infoHash, 'honest');
    const run = startFetch(infoHash, [rejecter, honest]);
    const { metainfo } = await within(run.ready, 5000);
    expect(Buffer.from(metainfo.infoBytes).equals(info)).toBe(true);
    expect(rejecter.asked.length).toBeGreaterThan(0);
  });

  it('gives a silent peer’s pieces to another after the request timeout', async () => {
    const { info, infoHash } = makeInfo();
    const silent = await fakePeer(info, infoHash, 'silent');
    const honest = await fakePeer(info, infoHash, 'honest');
    const run = startFetch(infoHash, [silent, honest]);
    const { metainfo } = await within(run.ready, 5000);
    expect(Buffer.from(metainfo.infoBytes).equals(info)).toBe(true);
    expect(silent.asked.length).toBeGreaterThan(0);
  });

  it('dials nobody once the metadata is in, though more peers are known', async () => {
    const { info, infoHash } = makeInfo();
    const peers = await Promise.all(Array.from({ length: 12 }, () => fakePeer(info, infoHash, 'honest')));
    const run = startFetch(infoHash, peers);
    const { peers: handed } = await within(run.ready, 5000);
    const total = () => peers.reduce((n, p) => n + p.connections(), 0);
    const atReady = total();
    expect(atReady).toBeLessThan(12); // eight dials at once: some peers were never needed
    await new Promise((r) => setTimeout(r, 300));
    expect(total()).toBe(atReady);
    expect(run.fetch.peerCount).toBe(0);
    expect(handed).toHaveLength(12); // the torrent gets them all
  });

  it('disconnects every peer when paused', async () => {
    const { info, infoHash } = makeInfo();
    const silent = await fakePeer(info, infoHash, 'silent');
    const run = startFetch(infoHash, [silent]);
    await within(new Promise<void>((r) => {
      const poll = setInterval(() => silent.asked.length > 0 && (clearInterval(poll), r()), 20);
    }), 5000);
    expect(run.fetch.peerCount).toBe(1);
    await run.fetch.pause();
    expect(run.fetch.state).toBe('paused');
    expect(run.fetch.peerCount).toBe(0);
  });
});
