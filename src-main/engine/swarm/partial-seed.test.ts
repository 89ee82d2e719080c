import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTorrent } from '../../testing/build-torrent';
import { tempDir, waitFor } from '../../testing/processes';
import { useQuietTorrents } from '../../testing/quiet-torrent';
import { scriptedPeer, type ScriptedPeer } from '../../testing/scripted-peer';
import type { Metainfo } from '../metainfo/metainfo';
import type { Torrent } from '../torrent';
import type { ExtendedHandshake } from '../wire/extended-handshake';
import type { PeerConnection } from '../wire/peer-connection';

const PIECE = 16384;
/** File a is pieces 0–7, file b pieces 8–15; b is skipped, so finishing a makes a partial seed. */
const PER_FILE = 8;

let dir: Awaited<ReturnType<typeof tempDir>>;
const peers: ScriptedPeer[] = [];

beforeEach(async () => {
  dir = await tempDir('partial-seed');
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
  await dir.remove();
});

const torrents = useQuietTorrents();

function makeTorrent(): { metainfo: Metainfo; content: Buffer } {
  const built = buildTorrent({
    name: 'two',
    pieceLength: PIECE,
    files: [
      { path: ['a.bin'], length: PER_FILE * PIECE },
      { path: ['b.bin'], length: PER_FILE * PIECE },
    ],
  });
  const infoHash = new Uint8Array(randomBytes(20));
  return { metainfo: { ...built.metainfo, infoHash, infoHashHex: Buffer.from(infoHash).toString('hex') }, content: built.content };
}

/** A torrent wanting only file a; with `withA`, that file is already on disk. */
async function partial(metainfo: Metainfo, content: Buffer, withA: boolean): Promise<Torrent> {
  const savePath = join(dir.path, withA ? 'partial' : 'downloader');
  if (withA) {
    await mkdir(join(savePath, 'two'), { recursive: true });
    await writeFile(join(savePath, 'two', 'a.bin'), content.subarray(0, PER_FILE * PIECE));
  }
  const torrent = torrents.make(metainfo, savePath);
  torrent.setFilePriorities([{ index: 1, priority: 'skip' }]);
  void torrent.start();
  return torrent;
}

async function connect(metainfo: Metainfo, torrent: Torrent): Promise<PeerConnection> {
  const peer = await scriptedPeer(metainfo, torrent);
  peers.push(peer);
  return peer.accepted;
}

function handshakes(conn: PeerConnection): ExtendedHandshake[] {
  const seen: ExtendedHandshake[] = [];
  conn.on('extendedHandshake', (h) => seen.push(h));
  return seen;
}

const closed = (conn: PeerConnection): Promise<void> => new Promise((r) => (conn.closed ? r() : conn.once('close', () => r())));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('partial seeds (BEP 21)', () => {
  it('a partial seed says upload_only, and a full seed and it part at once', async () => {
    const { metainfo, content } = makeTorrent();
    const torrent = await partial(metainfo, content, true);
    await waitFor('the partial seed', () => (torrent.state === 'seeding' ? true : undefined), 10_000, 20);
    expect(torrent.storage.have.complete).toBe(false);
    const seed = await connect(metainfo, torrent);
    const seen = handshakes(seed);
    seed.sendExtendedHandshake({ m: {} });
    await waitFor('its extended handshake', () => seen[0], 5000, 10);
    expect(seen[0]!.uploadOnly).toBe(true);
    seed.sendHaveAll();
    await closed(seed);
    await waitFor('the peer gone', () => (torrent.peers.length === 0 ? true : undefined), 5000, 10);
  });

  it('a partial seed drops a peer that says upload_only and keeps one that downloads', async () => {
    const { metainfo, content } = makeTorrent();
    const torrent = await partial(metainfo, content, true);
    await waitFor('the partial seed', () => (torrent.state === 'seeding' ? true : undefined), 10_000, 20);
    const other = await connect(metainfo, torrent);
    const downloader = await connect(metainfo, torrent);
    other.sendExtendedHandshake({ m: {}, uploadOnly: true });
    other.sendHaveNone();
    downloader.sendExtendedHandshake({ m: {} });
    downloader.sendHaveNone();
    await closed(other);
    await pause(300);
    expect(downloader.closed).toBe(false);
    expect(torrent.peers.length).toBe(1);
  });

  it('a download that completes its wanted files tells its peers upload_only and leaves the seed it got them from', async () => {
    const { metainfo, content } = makeTorrent();
    const torrent = await partial(metainfo, content, false);
    const seed = await connect(metainfo, torrent);
    const leecher = await connect(metainfo, torrent);
    const toLeecher = handshakes(leecher);
    leecher.sendExtendedHandshake({ m: {} });
    leecher.sendHaveNone();
    seed.sendExtendedHandshake({ m: {} });
    seed.sendHaveAll();
    seed.on('interested', () => seed.unchoke());
    seed.on('request', (b) => seed.sendPiece(b.index, b.begin, content.subarray(b.index * PIECE + b.begin, b.index * PIECE + b.begin + b.length)));
    await closed(seed);
    expect(torrent.storage.have.count).toBe(PER_FILE);
    expect(torrent.isComplete).toBe(true);
    await waitFor('a second extended handshake', () => toLeecher[1], 5000, 10);
    expect(toLeecher[0]!.uploadOnly).toBeUndefined();
    expect(toLeecher[1]!.uploadOnly).toBe(true);
    expect(leecher.closed).toBe(false);
  });
});
