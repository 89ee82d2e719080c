// Test support: a peer the test scripts message by message over real TCP. The torrent under test
// dials it; `accepted` resolves with the connection once both handshakes are through.
import { createServer, type Server } from 'node:net';
import type { Metainfo } from '../engine/metainfo/metainfo';
import type { Torrent } from '../engine/torrent';
import { PeerConnection } from '../engine/wire/peer-connection';
import { generatePeerId } from '../engine/wire/peer-id';
import { readHandshake } from '../engine/wire/read-handshake';

export interface ScriptedPeer {
  readonly accepted: Promise<PeerConnection>;
  stop(): Promise<void>;
}

/** Listens on 127.0.0.1 and has `torrent` dial it. Stop it after the test (its connection too). */
export async function scriptedPeer(metainfo: Metainfo, torrent: Torrent): Promise<ScriptedPeer> {
  const conns: PeerConnection[] = [];
  let resolve!: (c: PeerConnection) => void;
  const accepted = new Promise<PeerConnection>((r) => (resolve = r));
  const server: Server = createServer((socket) => {
    readHandshake(socket).then((received) => {
      const conn = PeerConnection.accept(socket, received, { infoHash: metainfo.infoHash, peerId: generatePeerId(), pieceCount: metainfo.pieceCount });
      conns.push(conn);
      conn.on('handshake', () => resolve(conn));
    }, () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  torrent.addPeers([{ host: '127.0.0.1', port: (server.address() as { port: number }).port }], 'tracker');
  return {
    accepted,
    stop: async () => {
      for (const c of conns) c.close('test over');
      await new Promise((r) => server.close(r));
    },
  };
}
