/** Plausible torrent summaries for tests and the UI bench. */
import { defaultTorrentOptions, type GeneralInfo, type TorrentSummary } from '../api/contract';

export function hashOf(n: number): string {
  return n.toString(16).padStart(40, '0');
}

export function summary(n: number, over: Partial<TorrentSummary> = {}): TorrentSummary {
  return {
    infoHash: hashOf(n),
    name: `Torrent ${n}`,
    length: 1024 * 1024 * (n + 1),
    wanted: over.length ?? 1024 * 1024 * (n + 1),
    progress: 0.5,
    state: 'downloading',
    downRate: 1000 * n,
    upRate: 100 * n,
    downloaded: 0,
    uploaded: 0,
    ratio: 0,
    eta: 60 * n,
    peers: { connected: 5, seeds: 2 },
    swarm: { seeders: 10, leechers: 20, completed: 30 },
    addedAt: 1_700_000_000_000 + n,
    error: null,
    trackerError: null,
    stalled: false,
    limitReached: false,
    savePath: '/downloads',
    queuePosition: null,
    ...over,
  };
}

/** The General tab's data for torrent 1 ("alpha", four 256-byte pieces), with `over` on top. */
export function generalInfo(over: Partial<GeneralInfo> = {}): GeneralInfo {
  return {
    infoHash: hashOf(1),
    version: 'v1',
    infoHashV2: null,
    name: 'alpha',
    savePath: '/downloads',
    contentPath: '/downloads/alpha',
    length: 1024,
    pieceLength: 256,
    pieceCount: 4,
    private: false,
    comment: null,
    createdBy: null,
    creationDate: null,
    addedAt: 0,
    completedAt: null,
    downloaded: 0,
    uploaded: 0,
    wasted: 0,
    ratio: 0,
    availability: 1,
    swarm: { seeders: null, leechers: null, completed: null },
    magnet: 'magnet:?xt=urn:btih:' + hashOf(1),
    seedingTime: 0,
    options: defaultTorrentOptions,
    ...over,
  };
}
