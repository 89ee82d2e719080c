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
import { allowedFastSet } from '../wire/allowed-fast';
import type { BlockRef } from '../wire/messages';
import type { PeerConnection } from '../wire/peer-connection';
import { addPieceHint, allowedFastFor, MAX_PIECE_HINTS, removePieceHint } from './fast-extension';

const PIECE = 16384;
const PIECES = 40;

let dir: Awaited<ReturnType<typeof tempDir>>;
const peers: ScriptedPeer[] = [];

beforeEach(async () => {
  dir = await tempDir('fast-ext');
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
  await dir.remove();
});

function makeTorrent(): { metainfo: Metainfo; content: Buffer } {
  const built = buildTorrent({ name: 'fast.bin', pieceLength: PIECE, files: [{ path: ['fast.bin'], length: PIECES * PIECE }] });
  const infoHash = new Uint8Array(randomBytes(20));
  return { metainfo: { ...built.metainfo, infoHash, infoHashHex: Buffer.from(infoHash).toString('hex') }, content: built.content };
}

const torrents = useQuietTorrents();
const startTorrent = (metainfo: Metainfo, savePath: string): Torrent => torrents.start(metainfo, savePath);

async function connectScripted(metainfo: Metainfo, torrent: Torrent): Promise<PeerConnection> {
  const peer = await scriptedPeer(metainfo, torrent);
  peers.push(peer);
  return peer.accepted;
}

interface Seen {
  haveAll: number;
  bitfields: number;
  allowedFast: number[];
  suggested: number[];
  rejects: BlockRef[];
  pieces: { index: number; begin: number; block: Uint8Array }[];
  requests: BlockRef[];
}

function watch(conn: PeerConnection): Seen {
  const seen: Seen = { haveAll: 0, bitfields: 0, allowedFast: [], suggested: [], rejects: [], pieces: [], requests: [] };
  conn.on('haveAll', () => seen.haveAll++);
  conn.on('bitfield', () => seen.bitfields++);
  conn.on('allowedFast', (i) => seen.allowedFast.push(i));
  conn.on('suggest', (i) => seen.suggested.push(i));
  conn.on('reject', (b) => seen.rejects.push(b));
  conn.on('piece', (index, begin, block) => seen.pieces.push({ index, begin, block: block.slice() }));
  conn.on('request', (b) => seen.requests.push(b));
  return seen;
}

async function seeder(): Promise<{ metainfo: Metainfo; content: Buffer; torrent: Torrent }> {
  const { metainfo, content } = makeTorrent();
  const savePath = join(dir.path, 'seed');
  await mkdir(savePath, { recursive: true });
  await writeFile(join(savePath, 'fast.bin'), content);
  const torrent = startTorrent(metainfo, savePath);
  await waitFor('the seeder checked its data', () => (torrent.state === 'seeding' ? true : undefined), 10_000, 20);
  return { metainfo, content, torrent };
}

const block = (index: number): BlockRef => ({ index, begin: 0, length: PIECE });

describe('fast extension (BEP 6), a Shoal seeder', () => {
  it('says have all, gives the canonical allowed-fast set, serves it while choking and rejects the rest', async () => {
    const { metainfo, content, torrent } = await seeder();
    const peer = await connectScripted(metainfo, torrent);
    const seen = watch(peer);
    const allowed = allowedFastSet(metainfo.infoHash, '127.0.0.1', PIECES, 10);
    await waitFor('the allowed-fast set', () => (seen.allowedFast.length === allowed.length ? true : undefined), 5000, 10);
    expect(seen.haveAll).toBe(1);
    expect(seen.bitfields).toBe(0);
    expect(seen.allowedFast.sort((a, b) => a - b)).toEqual([...allowed].sort((a, b) => a - b));
    expect(peer.peerChoking).toBe(true);

    const notAllowed = [...Array(PIECES).keys()].find((i) => !allowed.includes(i))!;
    peer.sendRequests([block(notAllowed), block(allowed[0]!)]);
    await waitFor('an answer to both requests', () => (seen.rejects.length + seen.pieces.length === 2 ? true : undefined), 5000, 10);
    expect(seen.rejects).toEqual([block(notAllowed)]);
    expect(seen.pieces.map((p) => p.index)).toEqual([allowed[0]]);
    expect(Buffer.from(seen.pieces[0]!.block).equals(content.subarray(allowed[0]! * PIECE, (allowed[0]! + 1) * PIECE))).toBe(true);
    expect(peer.peerChoking).toBe(true);
  });

  it('answers every request exactly once when it chokes, and suggests pieces it just read into its cache', async () => {
    const { metainfo, torrent } = await seeder();
    const peer = await connectScripted(metainfo, torrent);
    const seen = watch(peer);
    const allowed = allowedFastSet(metainfo.infoHash, '127.0.0.1', PIECES, 10);
    peer.interested();
    await waitFor('an unchoke', () => (peer.peerChoking ? undefined : true), 5000, 10);
    const first = [...Array(PIECES).keys()].find((i) => !allowed.includes(i))!;
    peer.sendRequests([block(first)]);
    await waitFor('the first piece', () => (seen.pieces.length === 1 ? true : undefined), 5000, 10);
    // The piece was read from disk into the cache for us: it is suggested to peers that lack it.
    expect(seen.suggested).toEqual([first]);

    const asked = [...Array(PIECES).keys()].filter((i) => i !== first).map(block);
    peer.sendRequests(asked);
    peer.notInterested(); // we choke a peer that is not interested, with its requests still queued
    await waitFor('an answer to every request', () => (seen.rejects.length + seen.pieces.length === asked.length + 1 ? true : undefined), 5000, 10);
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.rejects.length + seen.pieces.length).toBe(asked.length + 1);
    expect(seen.rejects.length).toBeGreaterThan(0);
    expect(peer.peerChoking).toBe(true);
    const answered = [...seen.rejects.map((b) => b.index), ...seen.pieces.map((p) => p.index)].sort((a, b) => a - b);
    expect(answered).toEqual([...Array(PIECES).keys()]);
    // Pieces after the choke are only allowed-fast ones (kept in the queue, not rejected).
    for (const r of seen.rejects) expect(allowed).not.toContain(r.index);
  });
});

describe('fast extension (BEP 6), a Shoal downloader', () => {
  it('asks a choking peer only for its allowed-fast pieces, drops one it rejects, and asks for a suggested piece first once unchoked', async () => {
    const { metainfo } = makeTorrent();
    const torrent = startTorrent(metainfo, join(dir.path, 'leech'));
    const peer = await connectScripted(metainfo, torrent);
    const seen = watch(peer);
    peer.sendHaveAll();
    const [kept, refused] = [7, 23];
    peer.sendAllowedFast(kept);
    peer.sendAllowedFast(refused);
    await waitFor('requests for allowed-fast pieces', () => (new Set(seen.requests.map((r) => r.index)).size === 2 ? true : undefined), 5000, 10);
    expect(new Set(seen.requests.map((r) => r.index))).toEqual(new Set([kept, refused]));
    for (const r of seen.requests.filter((q) => q.index === refused)) peer.sendReject(r);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.requests.every((r) => r.index === kept || r.index === refused)).toBe(true);
    const refusedAsked = seen.requests.filter((r) => r.index === refused).length;
    expect(refusedAsked).toBe(1); // one block per piece here: asked once, rejected, not asked again

    seen.requests.length = 0;
    peer.sendSuggest(31);
    peer.unchoke();
    await waitFor('requests after the unchoke', () => (seen.requests.length > 0 ? true : undefined), 5000, 10);
    expect(seen.requests[0]!.index).toBe(31);
  });
});

describe('fast-extension helpers', () => {
  it('the allowed-fast set is by IPv4 /24 (mapped addresses too) and empty for IPv6', () => {
    const infoHash = new Uint8Array(20).fill(7);
    expect([...allowedFastFor(infoHash, '10.1.2.3', 100)]).toEqual(allowedFastSet(infoHash, '10.1.2.3', 100, 10));
    expect([...allowedFastFor(infoHash, '::ffff:10.1.2.99', 100)]).toEqual(allowedFastSet(infoHash, '10.1.2.3', 100, 10));
    expect(allowedFastFor(infoHash, '2001:db8::1', 100).size).toBe(0);
  });

  it('hint lists stay bounded: allowed-fast keeps the first, suggestions the latest', () => {
    const first: number[] = [];
    const latest: number[] = [];
    for (let i = 0; i < MAX_PIECE_HINTS + 5; i++) {
      addPieceHint(first, i, false);
      addPieceHint(latest, i, true);
    }
    expect(addPieceHint(latest, MAX_PIECE_HINTS + 4, true)).toBe(false);
    expect(first).toEqual([...Array(MAX_PIECE_HINTS).keys()]);
    expect(latest).toEqual([...Array(MAX_PIECE_HINTS).keys()].map((i) => i + 5));
    removePieceHint(first, 3);
    expect(first).not.toContain(3);
  });
});
