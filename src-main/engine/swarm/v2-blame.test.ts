import { createServer, type Server } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../../testing/processes';
import { buildV2Torrent } from '../../testing/v2-torrent';
import { bencode } from '../bencode';
import { leafHashes } from '../merkle';
import type { Metainfo } from '../metainfo/metainfo';
import { parseTorrent } from '../metainfo/parse-torrent';
import { Torrent } from '../torrent';
import type { BlockRef } from '../wire/messages';
import { PeerConnection } from '../wire/peer-connection';
import { generatePeerId } from '../wire/peer-id';
import { readHandshake } from '../wire/read-handshake';

// A v2 piece whose blocks came from two peers fails: the peer that sent its one bad 16 KiB block
// is found by the piece's leaf hashes (BEP 52 hash request), banned at once, and the honest one kept.

const pieceLength = 64 * 1024;
const blockSize = 16 * 1024;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A v2-only torrent of one 8-piece file, parsed as Shoal reads it. */
function torrent(): { metainfo: Metainfo; content: Buffer } {
  const data = Buffer.alloc(8 * pieceLength);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 9)) & 0xff;
  const parts = buildV2Torrent({ name: 'blame.bin', pieceLength, files: [{ path: ['blame.bin'], data }] });
  return { metainfo: parseTorrent(bencode({ info: parts.info, 'piece layers': parts.pieceLayers })), content: data };
}

type Serve = (conn: PeerConnection, block: BlockRef) => void;

/**
 * A seed over a v2 connection that serves blocks as `serve` decides and answers leaf-hash requests
 * truthfully; `closed` is told when its connection ends.
 */
async function peer(metainfo: Metainfo, content: Buffer, serve: Serve, closed: () => void = () => undefined): Promise<number> {
  const server: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    readHandshake(socket).then((received) => {
      // A v2-only torrent's name is its truncated v2 hash: the connection is a v2 one.
      const conn = PeerConnection.accept(socket, received, { infoHash: metainfo.infoHash, infoHashV2: metainfo.infoHash, peerId: generatePeerId(), pieceCount: metainfo.pieceCount });
      cleanups.push(async () => conn.close('test over'));
      conn.on('handshake', () => conn.sendHaveAll());
      conn.on('close', closed);
      conn.on('interested', () => conn.unchoke());
      conn.on('request', (block) => serve(conn, block));
      conn.on('hashRequest', (ref) => {
        const piece = ref.index / 4;
        if (ref.base !== 0 || ref.count !== 4 || !Number.isInteger(piece)) return conn.sendHashReject(ref);
        conn.sendHashes(ref, leafHashes(content.subarray(piece * pieceLength, (piece + 1) * pieceLength)));
      });
    }, () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

describe('blame by leaf hashes (BEP 52)', () => {
  it('bans the peer that sent the one bad 16 KiB block of a v2 piece, not the one that sent the rest', { timeout: 30_000 }, async () => {
    const { metainfo, content } = torrent();
    const dir = await tempDir('v2-blame');
    cleanups.push(() => dir.remove());
    const target = 5;
    const isBadBlock = (b: BlockRef) => b.index === target && b.begin === 2 * blockSize;
    const block = (b: BlockRef) => content.subarray(b.index * pieceLength + b.begin, b.index * pieceLength + b.begin + b.length);
    let liarGone = false;
    // The honest peer leaves block 2 of the target piece to the liar while the liar is connected,
    // so the piece cannot pass (and smart ban judge) before the leaf hashes do.
    const honest = await peer(metainfo, content, (conn, b) => (isBadBlock(b) && !liarGone ? conn.sendReject(b) : conn.sendPiece(b.index, b.begin, block(b))));
    // The liar sends only block 2 of the target piece, wrong by one byte, and everything else right.
    const liar = await peer(metainfo, content, (conn, b) => {
      if (isBadBlock(b)) {
        const bad = Buffer.from(block(b));
        bad[100]! ^= 0xff;
        conn.sendPiece(b.index, b.begin, bad);
      } else if (b.index === target) conn.sendReject(b);
      else conn.sendPiece(b.index, b.begin, block(b));
    }, () => (liarGone = true));
    const log: string[] = [];
    const t = new Torrent({
      metainfo,
      savePath: dir.path,
      peerId: generatePeerId(),
      listenPort: 6881,
      maxConnections: 10,
      events: { finished: () => undefined, failed: () => undefined, log: (_t, line) => log.push(line), uploaded: () => undefined, changed: () => undefined, metadataArrived: () => undefined },
    });
    cleanups.push(() => t.remove(false));
    await t.start();
    t.addPeers([{ host: '127.0.0.1', port: honest }, { host: '127.0.0.1', port: liar }], 'tracker');
    await waitFor('the download to finish', () => (t.state === 'seeding' ? true : undefined), 25_000, 50);
    expect((await readFile(join(dir.path, 'blame.bin'))).equals(content)).toBe(true);
    expect(log).toContain(`banned 127.0.0.1:${liar}: sent a corrupt block of piece ${target}`);
    expect(log.filter((line) => line.startsWith('banned'))).toEqual([`banned 127.0.0.1:${liar}: sent a corrupt block of piece ${target}`]);
    expect(t.swarm.registry.isBanned({ host: '127.0.0.1', port: honest })).toBe(false);
  });
});
