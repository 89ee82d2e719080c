import type { DhtTarget } from './dht/session-dht';
import type { LsdTarget } from './discovery/local-discovery';
import type { PeerAddress } from './net/peer-address';
import type { Torrent } from './torrent';

/** The session's torrents as the DHT and local discovery see them. */

/** Every public torrent that is running, and every magnet fetching (BEP 27: private ones never use the DHT), of each of `sets`. */
export function* dhtTargets(...sets: ReadonlyMap<string, Torrent>[]): Generator<DhtTarget> {
  for (const torrents of sets) yield* targetsOf(torrents);
}

function* targetsOf(torrents: ReadonlyMap<string, Torrent>): Generator<DhtTarget> {
  for (const t of torrents.values()) {
    const addPeers = (peers: readonly PeerAddress[]): void => t.addPeers(peers, 'dht');
    let announce: boolean;
    if (!t.hasMetainfo) {
      if (t.state !== 'metadata') continue;
      announce = false;
    } else if (!t.metainfo.private && (t.state === 'downloading' || t.state === 'seeding')) {
      announce = true;
    } else {
      continue;
    }
    yield { infoHash: t.infoHash, announce, addPeers };
    // A hybrid is in two swarms (BEP 52): its truncated v2 hash is looked up and announced too.
    const other = t.swarm.otherInfoHash;
    if (other) yield { infoHash: Buffer.from(other).toString('hex'), announce, addPeers };
  }
}

/** The same torrents as the DHT's, announced on the local network (BEP 27: never a private one). */
export function* lsdTargets(torrents: ReadonlyMap<string, Torrent>): Generator<LsdTarget> {
  for (const t of dhtTargets(torrents)) {
    // One announce per torrent on the local network, by its key.
    if (torrents.has(t.infoHash)) yield { infoHash: t.infoHash, addPeers: (peers) => torrents.get(t.infoHash)?.addPeers(peers, 'lsd') };
  }
}
