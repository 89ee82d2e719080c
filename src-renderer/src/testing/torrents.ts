/** Plausible torrent summaries for tests and the UI bench. */
import type { TorrentSummary } from '../api/contract';

export function hashOf(n: number): string {
  return n.toString(16).padStart(40, '0');
}

export function summary(n: number, over: Partial<TorrentSummary> = {}): TorrentSummary {
  return {
    infoHash: hashOf(n),
    name: `Torrent ${n}`,
    length: 1024 * 1024 * (n + 1),
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
    savePath: '/downloads',
    queuePosition: null,
    ...over,
  };
}
