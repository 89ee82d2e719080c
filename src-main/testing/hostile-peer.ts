// Test support: a peer that claims every piece and then misbehaves, announced to a real tracker.
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { Bitfield } from '../../src-shared/bitfield';
import type { Metainfo } from '../engine/metainfo/metainfo';
import { HttpTrackerClient } from '../engine/tracker/http-tracker-client';
import { PeerConnection } from '../engine/wire/peer-connection';
import { readHandshake } from '../engine/wire/read-handshake';
import { freePort } from './processes';

const blockSize = 16 * 1024;

export type Misbehaviour =
  /** Answers every request with random bytes. */
  | 'corrupt'
  /** Sends the first block it is asked for correctly, then drops the connection mid-piece. */
  | 'disconnect-mid-piece'
  /** Claims no piece, so it is never asked for anything, and sends random blocks all the same. */
  | 'unrequested';

export interface HostilePeer {
  readonly port: number;
  /** Connections it accepted, and blocks it sent. */
  readonly stats: { connections: number; blocksSent: number };
  stop(): Promise<void>;
}

/**
 * Listens on 127.0.0.1, announces itself as a seed to `trackerUrl`, and serves `content` (the
 * torrent's bytes, used for the one honest block of 'disconnect-mid-piece') badly.
 */
export async function startHostilePeer(metainfo: Metainfo, trackerUrl: string, misbehaviour: Misbehaviour, content?: Uint8Array): Promise<HostilePeer> {
  const port = await freePort();
  const peerId = new TextEncoder().encode(`-XX0001-${randomBytes(6).toString('hex')}`);
  const stats = { connections: 0, blocksSent: 0 };
  const connections = new Set<PeerConnection>();
  const server: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    readHandshake(socket).then(
      (received) => {
        const conn = PeerConnection.accept(socket, received, { infoHash: metainfo.infoHash, peerId, pieceCount: metainfo.pieceCount });
        connections.add(conn);
        stats.connections++;
        conn.on('close', () => connections.delete(conn));
        conn.on('handshake', () => {
          if (misbehaviour === 'unrequested') {
            sendUnasked(conn);
            return;
          }
          if (conn.fastExtension) {
            conn.sendHaveAll();
          } else {
            const all = new Bitfield(metainfo.pieceCount);
            all.setAll();
            conn.sendBitfield(all.bytes);
          }
        });
        conn.on('interested', () => conn.unchoke());
        conn.on('request', (block) => {
          if (misbehaviour === 'corrupt') {
            conn.sendPiece(block.index, block.begin, randomBytes(block.length));
            stats.blocksSent++;
            return;
          }
          if (stats.blocksSent > 0 || !content) {
            conn.close('leaving mid-piece on purpose');
            return;
          }
          const at = block.index * metainfo.pieceLength + block.begin;
          conn.sendPiece(block.index, block.begin, content.subarray(at, at + block.length));
          stats.blocksSent++;
        });
      },
      () => undefined,
    );
  });
  /** A random block of random bytes every 20 ms while the connection lasts. */
  const sendUnasked = (conn: PeerConnection): void => {
    const timer = setInterval(() => {
      if (!conn.isOpen) return;
      const index = randomInt(metainfo.pieceCount);
      const pieceBytes = Math.min(metainfo.pieceLength, metainfo.length - index * metainfo.pieceLength);
      const begin = randomInt(Math.ceil(pieceBytes / blockSize)) * blockSize;
      conn.sendPiece(index, begin, randomBytes(Math.min(blockSize, pieceBytes - begin)));
      stats.blocksSent++;
    }, 20);
    conn.on('close', () => clearInterval(timer));
  };
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const tracker = new HttpTrackerClient(trackerUrl);
  const announce = (event: 'started' | 'stopped') =>
    tracker.announce({ infoHash: metainfo.infoHash, peerId, port, uploaded: 0, downloaded: 0, left: 0, event, numwant: 0, key: 1 });
  await announce('started');
  return {
    port,
    stats,
    async stop() {
      for (const conn of connections) conn.close('test over');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await announce('stopped').catch(() => undefined);
    },
  };
}
