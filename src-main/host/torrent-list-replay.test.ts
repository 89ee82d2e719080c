import { describe, expect, it } from 'vitest';
import type { TorrentSummary } from '../../src-shared/contract';
import { TorrentListReplay } from './torrent-list-replay';

function row(hash: string, progress: number): TorrentSummary {
  return {
    infoHash: hash.repeat(40),
    name: hash,
    length: 1,
    progress,
    state: 'downloading',
    downRate: 0,
    upRate: 0,
    downloaded: 0,
    uploaded: 0,
    ratio: 0,
    eta: null,
    peers: { connected: 0, seeds: 0 },
    swarm: { seeders: null, leechers: null, completed: null },
    addedAt: 0,
    error: null,
    savePath: '/',
    queuePosition: null,
  };
}

describe('TorrentListReplay', () => {
  it('merges changes and removals into one full list', () => {
    const replay = new TorrentListReplay();
    replay.apply({ full: true, changed: [row('a', 0), row('b', 0)], removed: [] });
    replay.apply({ full: false, changed: [row('a', 0.5), row('c', 0)], removed: ['b'.repeat(40)] });
    expect(replay.snapshot()).toEqual({ full: true, changed: [row('a', 0.5), row('c', 0)], removed: [] });
  });

  it('lets a full event replace everything, as after an engine restart', () => {
    const replay = new TorrentListReplay();
    replay.apply({ full: true, changed: [row('a', 0)], removed: [] });
    replay.apply({ full: true, changed: [row('d', 1)], removed: [] });
    expect(replay.snapshot().changed).toEqual([row('d', 1)]);
  });
});
