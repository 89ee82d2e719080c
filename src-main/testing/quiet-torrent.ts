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

/**
 * Quiet torrents for one test file, each removed (not its files) after its test: `make` makes one
 * (to be set up before it starts), `start` makes and starts one. Call it after the file's own
 * `afterEach`, so the torrents go before what they talk to.
 */
export function useQuietTorrents(): { make(metainfo: Metainfo, savePath: string): Torrent; start(metainfo: Metainfo, savePath: string): Torrent } {
  const torrents: Torrent[] = [];
  afterEach(async () => {
    for (const t of torrents.splice(0)) await t.remove(false);
  });
  const make = (metainfo: Metainfo, savePath: string): Torrent => {
    const torrent = quietTorrent(metainfo, savePath);
    torrents.push(torrent);
    return torrent;
  };
  return {
    make,
    start(metainfo, savePath) {
      const torrent = make(metainfo, savePath);
      void torrent.start();
      return torrent;
    },
  };
}
