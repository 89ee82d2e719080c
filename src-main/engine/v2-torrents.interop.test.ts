// BitTorrent v2 and hybrid torrents (BEP 52) against libtorrent 2.0.8 (python3-libtorrent, Debian's
// /usr/bin/python3): Shoal downloads multi-file v2-only and hybrid torrents made by libtorrent, with
// an empty file and a file smaller than a piece, from their .torrent and from a btmh magnet
// (metadata by BEP 9, piece layers by hash requests); libtorrent downloads the ones Shoal makes
// from a Shoal seeder; a hybrid's v1 and v2 peers feed one download. Each test is bounded; the lab stops every client it started.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useInteropLab } from '../testing/interop-lab';
import { libtorrentCreate } from '../testing/libtorrent-create';
import { startLibtorrent, untilResumed, untilSeeding } from '../testing/libtorrent';
import { waitFor } from '../testing/processes';
import { createTorrent } from './metainfo/create';
import type { Metainfo } from './metainfo/metainfo';
import { parseTorrent } from './metainfo/parse-torrent';
import { Session } from './session';
import { PeerConnection } from './wire/peer-connection';
import { generatePeerId } from './wire/peer-id';
import { readHandshake } from './wire/read-handshake';

const pieceLength = 32 * 1024;
/** A multi-file payload: a file of many pieces with a short last one, an empty file, one smaller than a piece, one of exactly two pieces. */
const files: Record<string, number> = { 'big.bin': 40 * pieceLength + 7000, 'empty.txt': 0, 'small.txt': 5000, 'two.bin': 2 * pieceLength };

const lab = useInteropLab('v2-torrents', {});
const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

/** The payload folder `set/` under a fresh data folder, and a libtorrent-made torrent of it. */
async function payload(kind: 'v2' | 'hybrid'): Promise<{ dataDir: string; torrent: string; bytes: Record<string, Buffer> }> {
  const dataDir = await lab.scratch(`data-${kind}`);
  await mkdir(join(dataDir, 'set'));
  const bytes: Record<string, Buffer> = {};
  for (const [name, size] of Object.entries(files)) {
    bytes[name] = randomBytes(size);
    await writeFile(join(dataDir, 'set', name), bytes[name]);
  }
  const torrent = join(dataDir, `${kind}.torrent`);
  await libtorrentCreate(join(dataDir, 'set'), torrent, { pieceLength, kind });
  return { dataDir, torrent, bytes };
}

async function session(): Promise<{ session: Session; dir: string }> {
  const dir = await lab.scratch('shoal');
  const s = await Session.start({ downloadDir: dir, listenPort: 0, listenHost: '127.0.0.1' });
  sessions.push(s);
  await s.setSettings({ dht: false, lsd: false, pex: false, encryption: 'off' });
  return { session: s, dir };
}

async function expectSameBytes(dir: string, bytes: Record<string, Buffer>): Promise<void> {
  for (const [name, data] of Object.entries(bytes)) {
    expect((await readFile(join(dir, 'set', name))).equals(data), name).toBe(true);
  }
}

const seeding = (s: Session, infoHash: string) =>
  waitFor('Shoal to finish', () => (s.torrent(infoHash)?.state === 'seeding' ? true : undefined), 40_000, 100);

describe('v2 and hybrid torrents from a libtorrent seeder', () => {
  for (const kind of ['v2', 'hybrid'] as const) {
    for (const from of ['torrent', 'magnet'] as const) {
      it(`downloads a ${kind} multi-file torrent from its ${from === 'torrent' ? '.torrent' : 'btmh magnet'}`, async () => {
        const { dataDir, torrent, bytes } = await payload(kind);
        const metainfo = parseTorrent(await readFile(torrent));
        expect(metainfo.version).toBe(kind);
        const seeder = lab.keep(await startLibtorrent({ dht: false, torrents: [{ torrent, save_path: dataDir }] }));
        await untilResumed(seeder, true);
        const { session: s, dir } = await session();
        const v2 = Buffer.from(metainfo.infoHashV2!).toString('hex');
        const peer = `x.pe=127.0.0.1:${seeder.port}`;
        const uri = kind === 'v2' ? `magnet:?xt=urn:btmh:1220${v2}&${peer}` : `magnet:?xt=urn:btih:${metainfo.infoHashHex}&xt=urn:btmh:1220${v2}&${peer}`;
        const added = await s.addTorrent({ source: from === 'torrent' ? { kind: 'torrent', data: await readFile(torrent) } : { kind: 'magnet', uri } });
        expect(added.infoHash).toBe(metainfo.infoHashHex);
        if (from === 'torrent') s.torrent(added.infoHash)!.addPeers([{ host: '127.0.0.1', port: seeder.port }], 'magnet');
        await seeding(s, added.infoHash);
        await expectSameBytes(dir, bytes);
        const t = s.torrent(added.infoHash)!;
        // big.bin's and two.bin's layers (their files are longer than a piece), fetched for the magnet.
        expect(t.metainfo.files.filter((f) => f.pieceLayer !== undefined).map((f) => f.path.join('/'))).toEqual(['big.bin', 'two.bin']);
      }, 90_000);
    }
  }
});

describe('v2 and hybrid torrents Shoal made, to libtorrent', () => {
  for (const kind of ['v2', 'hybrid'] as const) {
    it(`libtorrent downloads a ${kind} torrent made by shoal create from a Shoal seeder`, async () => {
      const { dataDir, bytes } = await payload(kind);
      const data = await createTorrent(join(dataDir, 'set'), { version: kind, pieceLength });
      const torrent = join(dataDir, `shoal-${kind}.torrent`);
      await writeFile(torrent, data);
      const { session: s } = await session();
      const { infoHash } = await s.addTorrent({ source: { kind: 'torrent', data }, savePath: dataDir });
      await seeding(s, infoHash);
      const out = await lab.scratch('lt-leech');
      const leecher = lab.keep(await startLibtorrent({ dht: false, torrents: [{ torrent, save_path: out, peers: [['127.0.0.1', s.listenPort]] }] }));
      await untilSeeding(leecher, 40_000, 200);
      await expectSameBytes(out, bytes);
    }, 90_000);

    it(`libtorrent downloads a ${kind} torrent from a Shoal seeder by its btmh magnet, asking Shoal for the piece layers`, async () => {
      const { dataDir, bytes } = await payload(kind);
      const data = await createTorrent(join(dataDir, 'set'), { version: kind, pieceLength });
      const { session: s } = await session();
      const { infoHash } = await s.addTorrent({ source: { kind: 'torrent', data }, savePath: dataDir });
      await seeding(s, infoHash);
      const v2 = Buffer.from(s.torrent(infoHash)!.metainfo.infoHashV2!).toString('hex');
      const out = await lab.scratch('lt-leech');
      const leecher = lab.keep(await startLibtorrent({ dht: false, peerLog: true, torrents: [{ magnet: `magnet:?xt=urn:btmh:1220${v2}`, save_path: out, peers: [['127.0.0.1', s.listenPort]] }] }));
      await untilSeeding(leecher, 40_000, 200);
      await expectSameBytes(out, bytes);
      // Its metadata has no piece layers: big.bin's and two.bin's came from Shoal, one hashes message each.
      expect((await leecher.peerMessages()).in.HASHES).toBe(2);
    }, 90_000);
  }
});

describe('a hybrid swarm', () => {
  // aria2 1.36 cannot be the v1 peer: it drops the file tree's empty keys before hashing a
  // .torrent (and the metadata of a magnet), so it names every BEP 52 hybrid by an info-hash of its
  // own and never meets the swarm. The v1 peer here is our own wire code, speaking v1 only.
  it('a v1-only peer and a v2 peer (libtorrent) both feed one Shoal download', async () => {
    const { dataDir, torrent, bytes } = await payload('hybrid');
    const metainfo = parseTorrent(await readFile(torrent));
    const lt = lab.keep(await startLibtorrent({ dht: false, torrents: [{ torrent, save_path: dataDir, upload_limit: 150_000 }] }));
    await untilResumed(lt, true);
    const v1 = lab.keep(await v1Seed(metainfo, join(dataDir, 'set')));
    const { session: s, dir } = await session();
    const { infoHash } = await s.addTorrent({ source: { kind: 'torrent', data: await readFile(torrent) } });
    const t = s.torrent(infoHash)!;
    t.addPeers([{ host: '127.0.0.1', port: lt.port }, { host: '127.0.0.1', port: v1.port }], 'magnet');
    const fed = new Map<number, { v2: boolean; bytes: number }>();
    const watch = setInterval(() => {
      for (const p of t.peers) fed.set(p.address.port, { v2: p.conn.protocolV2, bytes: p.conn.payloadReceived });
    }, 50);
    try {
      await seeding(s, infoHash);
    } finally {
      clearInterval(watch);
    }
    await expectSameBytes(dir, bytes);
    expect(fed.get(lt.port)?.v2).toBe(true);
    expect(fed.get(v1.port)?.v2).toBe(false);
    expect(v1.handshakes).toEqual([{ infoHash: metainfo.infoHashHex, v2Bit: true }]);
    expect(fed.get(lt.port)!.bytes).toBeGreaterThan(100_000);
    expect(fed.get(v1.port)!.bytes).toBeGreaterThan(100_000);
  }, 90_000);
});

/**
 * A seed that knows only a hybrid's v1 half: it answers handshakes for the SHA-1 info-hash
 * alone (never the v2 one), serves the v1 byte stream (files and pad zeros) a block every 40 ms,
 * and records each handshake it got.
 */
async function v1Seed(metainfo: Metainfo, folder: string): Promise<{ port: number; handshakes: { infoHash: string; v2Bit: boolean }[]; stop(): Promise<void> }> {
  const stream = Buffer.concat(await Promise.all(metainfo.files.map((f) => (f.pad ? Buffer.alloc(f.length) : readFile(join(folder, ...f.path))))));
  const handshakes: { infoHash: string; v2Bit: boolean }[] = [];
  const conns = new Set<PeerConnection>();
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    readHandshake(socket).then((received) => {
      handshakes.push({ infoHash: Buffer.from(received.handshake.infoHash).toString('hex'), v2Bit: received.handshake.v2 });
      const conn = PeerConnection.accept(socket, received, { infoHash: metainfo.infoHash, peerId: generatePeerId(), pieceCount: metainfo.pieceCount });
      conns.add(conn);
      conn.on('handshake', () => conn.sendHaveAll());
      conn.on('interested', () => conn.unchoke());
      let queue = Promise.resolve();
      conn.on('request', (b) => {
        queue = queue.then(() => new Promise((resolve) => setTimeout(resolve, 40))).then(() => {
          const at = b.index * metainfo.pieceLength + b.begin;
          conn.sendPiece(b.index, b.begin, stream.subarray(at, at + b.length));
        });
      });
    }, () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    handshakes,
    stop: async () => {
      for (const c of conns) c.close('test over');
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
