// Test helper: a Torrent on its own, with nobody listening to its events, for tests of the
// torrent's lifecycle (no session, no listening socket).
import { afterEach } from 'vitest';
import type { Metainfo } from '../engine/metainfo/metainfo';
import { Torrent } from '../engine/torrent';
import { generatePeerId } from '../engine/wire/peer-id';

export function quietTorrent(metainfo: Metainfo, savePath: string): Torrent {
  return new Torrent({
    metainfo,
    savePath,
    peerId: generatePeerId(), // a real one: libtorrent hangs up on an all-zero peer id
    listenPort: 6881,
    maxConnections: 10,
    events: { finished: () => undefined, failed: () => undefined, log: () => undefined, uploaded: () => undefined, changed: () => undefined, metadataArrived: () => undefined },
  });
}

/** Quiet torrents for one test file: `start` makes one and starts it; each is removed after its test. */
export function useQuietTorrents(): { start(metainfo: Metainfo, savePath: string): Torrent } {
  const torrents: Torrent[] = [];
  afterEach(async () => {
    for (const t of torrents.splice(0)) await t.remove(false);
  });
  return {
    start(metainfo, savePath) {
      const torrent = quietTorrent(metainfo, savePath);
      torrents.push(torrent);
      void torrent.start();
      return torrent;
    },
  };
}
