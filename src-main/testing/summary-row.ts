// Test support: one torrent list row (the contract's TorrentSummary), for tests at every layer.
import type { TorrentSummary } from '../../src-shared/contract';

export const fakeHash = '0123456789abcdef0123456789abcdef01234567';

export function fakeSummary(overrides: Partial<TorrentSummary> = {}): TorrentSummary {
  return {
    infoHash: fakeHash,
    name: 'fixture',
    length: 1024,
    wanted: overrides.length ?? 1024,
    progress: 0.25,
    state: 'downloading',
    downRate: 100,
    upRate: 5,
    downloaded: 256,
    uploaded: 10,
    ratio: 0.04,
    eta: 8,
    peers: { connected: 1, seeds: 1 },
    swarm: { seeders: 1, leechers: 0, completed: null },
    addedAt: 1_700_000_000_000,
    error: null,
    trackerError: null,
    stalled: false,
    limitReached: false,
    savePath: '/downloads',
    queuePosition: null,
    ...overrides,
  };
}
