import type { TorrentSummary } from '../../../src-shared/contract';
import type { MetadataFetch } from './metadata-fetch';

/** What the contract shows of a magnet link still fetching its metadata. */

export function metadataSummary(f: MetadataFetch): TorrentSummary {
  const health = f.announcer.health();
  return {
    infoHash: f.infoHash,
    name: f.name,
    // The magnet's `xl` until the metadata tells the truth.
    length: f.magnet.length ?? 0,
    progress: 0,
    state: f.state,
    downRate: 0,
    upRate: 0,
    downloaded: 0,
    uploaded: 0,
    ratio: 0,
    eta: null,
    peers: { connected: f.peerCount, seeds: 0 },
    swarm: { seeders: health?.seeders ?? null, leechers: health?.leechers ?? null, completed: health?.downloaded ?? null },
    addedAt: f.addedAt,
    error: f.error,
    savePath: f.savePath,
    queuePosition: null,
  };
}
