import bencode from 'bencode';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../testing/processes';
import type { Magnet } from './metainfo/magnet';
import type { Metainfo } from './metainfo/metainfo';
import type { PeerAddress } from './net/peer-address';
import { Torrent } from './torrent';
import { PeerConnection } from './wire/peer-connection';
import { generatePeerId } from './wire/peer-id';
import { readHandshake } from './wire/read-handshake';
import { encodeMetadataMessage, metadataPiece, parseMetadataMessage, UT_METADATA } from './wire/ut-metadata';

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
const torrents: Torrent[] = [];
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeEach(async () => {
  dir = await tempDir('magnet');
});

afterEach(async () => {
  for (const t of torrents.splice(0)) await t.remove(false);
  for (const c of conns.splice(0)) c.close('test over');
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await dir.remove();
});

/** Offers the metadata over BEP 9 on `conn` and answers requests as `behaviour` says; `p`: the port it says it listens on. */
function offerMetadata(conn: PeerConnection, info: Uint8Array, behaviour: Behaviour, asked: number[], p?: number): void {
  conns.push(conn);
  conn.on('handshake', () => conn.sendExtendedHandshake({ m: { [UT_METADATA]: 3 }, metadataSize: info.length, ...(p ? { p } : {}) }));
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
}

/** A listening peer that offers the metadata over BEP 9 and answers requests as `behaviour` says. */
async function fakePeer(info: Uint8Array, infoHash: Uint8Array, behaviour: Behaviour): Promise<FakePeer> {
  const asked: number[] = [];
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    readHandshake(socket).then((received) => offerMetadata(PeerConnection.accept(socket, received, { infoHash, peerId: generatePeerId() }), info, behaviour, asked), () => undefined);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { address: { host: '127.0.0.1', port }, asked, connections: () => connections, stop: () => new Promise((r) => server.close(() => r())) };
}

interface Run {
  readonly torrent: Torrent;
  /** The metainfo, once the metadata arrived and the torrent took it. */
  readonly ready: Promise<Metainfo>;
  readonly log: string[];
}

/** A torrent added from a magnet link naming `peers` (x.pe), fetching its metadata. */
function startMagnet(infoHash: Uint8Array, peers: readonly FakePeer[]): Run {
  const log: string[] = [];
  let resolveReady!: (value: Metainfo) => void;
  const ready = new Promise<Metainfo>((r) => (resolveReady = r));
  const magnet: Magnet = {
    infoHash,
    infoHashHex: Buffer.from(infoHash).toString('hex'),
    name: 'from the magnet',
    trackers: [],
    webSeeds: [],
    peers: peers.map((p) => p.address),
  };
  const torrent = new Torrent({
    magnet,
    savePath: dir.path,
    peerId: generatePeerId(),
    listenPort: 1,
    maxConnections: 10,
    scheduling: { requestTimeoutMs: 300, cooldownMs: 200 },
    events: {
      finished: () => undefined,
      failed: (_t, error) => log.push(`failed: ${error.message}`),
      log: (_t, message) => log.push(message),
      uploaded: () => undefined,
      changed: () => undefined,
      metadataArrived: (t) => resolveReady(t.metainfo),
    },
  });
  torrents.push(torrent);
  void torrent.start();
  return { torrent, ready, log };
}

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not done in ${ms} ms`)), ms))]);

describe('a torrent added from a magnet link', () => {
  it('gets the metadata from two honest peers, asking both, and dials them again to trade', async () => {
    const { info, infoHash } = makeInfo();
    const a = await fakePeer(info, infoHash, 'honest');
    const b = await fakePeer(info, infoHash, 'honest');
    const run = startMagnet(infoHash, [a, b]);
    expect(run.torrent.state).toBe('metadata');
    const metainfo = await within(run.ready, 5000);
    expect(metainfo.infoHashHex).toBe(Buffer.from(infoHash).toString('hex'));
    expect(Buffer.from(metainfo.infoBytes).equals(info)).toBe(true);
    expect(metainfo.name).toBe('big.bin');
    expect(a.asked.length).toBeGreaterThan(0);
    expect(b.asked.length).toBeGreaterThan(0);
    expect([...a.asked, ...b.asked].sort()).toEqual([...Array(Math.ceil(info.length / 16384)).keys()]);
    // The same swarm trades: both peers are dialled again at once once the (empty) data is checked.
    expect(run.torrent.state).toBe('queued');
    await run.torrent.start();
    expect(run.torrent.state).toBe('downloading');
    await waitFor('both peers to be dialled again', () => (a.connections() >= 2 && b.connections() >= 2 ? true : undefined), 5000, 20);
  });

  it('drops a peer that sends bad data and asks another for its pieces', async () => {
    const { info, infoHash } = makeInfo();
    const liar = await fakePeer(info, infoHash, 'lying');
    const honest = await fakePeer(info, infoHash, 'honest');
    const run = startMagnet(infoHash, [liar, honest]);
    const metainfo = await within(run.ready, 5000);
    expect(Buffer.from(metainfo.infoBytes).equals(info)).toBe(true);
    expect(liar.asked.length).toBeGreaterThan(0);
    expect(run.log).toContainEqual(expect.stringMatching(new RegExp(`^banned 127\\.0\\.0\\.1:${liar.address.port}: sent metadata`)));
    // Trading, the swarm dials the honest peer again and never the liar.
    await run.torrent.start();
    await waitFor('the honest peer to be dialled again', () => (honest.connections() >= 2 ? true : undefined), 5000, 20);
    expect(liar.connections()).toBe(1);
  });

  it('bans a lone liar and never calls its data the metadata', async () => {
    const { info, infoHash } = makeInfo();
    const liar = await fakePeer(info, infoHash, 'lying');
    const run = startMagnet(infoHash, [liar]);
    let ready = false;
    void run.ready.then(() => (ready = true));
    await within(
      new Promise<void>((r) => {
        const poll = setInterval(() => run.log.some((l) => l.startsWith('banned')) && (clearInterval(poll), r()), 20);
      }),
      5000,
    );
    expect(ready).toBe(false);
    expect(run.torrent.peerCount).toBe(0);
    expect(run.torrent.hasMetainfo).toBe(false);
  });

  it('asks another peer for pieces one rejects', async () => {
    const { info, infoHash } = makeInfo();
    const rejecter = await fakePeer(info, infoHash, 'rejecting');
    const honest = await fakePeer(info, infoHash, 'honest');
    const run = startMagnet(infoHash, [rejecter, honest]);
    const metainfo = await within(run.ready, 5000);
    expect(Buffer.from(metainfo.infoBytes).equals(info)).toBe(true);
    expect(rejecter.asked.length).toBeGreaterThan(0);
  });

  it('gives a silent peer’s pieces to another after the request timeout', async () => {
    const { info, infoHash } = makeInfo();
    const silent = await fakePeer(info, infoHash, 'silent');
    const honest = await fakePeer(info, infoHash, 'honest');
    const run = startMagnet(infoHash, [silent, honest]);
    const metainfo = await within(run.ready, 5000);
    expect(Buffer.from(metainfo.infoBytes).equals(info)).toBe(true);
    expect(silent.asked.length).toBeGreaterThan(0);
  });

  it('dials nobody once the metadata is in until the torrent is started to trade, though more peers are known', async () => {
    const { info, infoHash } = makeInfo();
    const peers = await Promise.all(Array.from({ length: 12 }, () => fakePeer(info, infoHash, 'honest')));
    const run = startMagnet(infoHash, peers);
    await within(run.ready, 5000);
    const total = () => peers.reduce((n, p) => n + p.connections(), 0);
    const atReady = total();
    expect(atReady).toBeLessThan(12); // eight dials at once: some peers were never needed
    await new Promise((r) => setTimeout(r, 300));
    expect(total()).toBe(atReady);
    expect(run.torrent.peerCount).toBe(0);
    expect(run.torrent.swarm.registry.known).toBe(12); // the torrent keeps them all, to trade with
  });

  it('disconnects every peer when paused', async () => {
    const { info, infoHash } = makeInfo();
    const silent = await fakePeer(info, infoHash, 'silent');
    const run = startMagnet(infoHash, [silent]);
    await within(new Promise<void>((r) => {
      const poll = setInterval(() => silent.asked.length > 0 && (clearInterval(poll), r()), 20);
    }), 5000);
    expect(run.torrent.peerCount).toBe(1);
    await run.torrent.pause();
    expect(run.torrent.state).toBe('paused');
    expect(run.torrent.peerCount).toBe(0);
  });

  it('dials a peer that came to it for the metadata again to trade, at the port its extended handshake names', async () => {
    const { info, infoHash } = makeInfo();
    const home = await fakePeer(info, infoHash, 'honest'); // where the visiting peer listens
    const run = startMagnet(infoHash, []);
    const door = createServer((socket) => {
      readHandshake(socket).then((received) => run.torrent.swarm.accept(socket, received) || socket.destroy(), () => undefined);
    });
    servers.push(door);
    await new Promise<void>((r) => door.listen(0, '127.0.0.1', r));
    const visitor = PeerConnection.dial({ infoHash, peerId: generatePeerId(), host: '127.0.0.1', port: (door.address() as AddressInfo).port });
    offerMetadata(visitor, info, 'honest', [], home.address.port);
    const metainfo = await within(run.ready, 5000);
    expect(Buffer.from(metainfo.infoBytes).equals(info)).toBe(true);
    expect(home.connections()).toBe(0);
    await run.torrent.start();
    await waitFor('the visitor to be dialled where it listens', () => (home.connections() >= 1 ? true : undefined), 5000, 20);
  });
});
