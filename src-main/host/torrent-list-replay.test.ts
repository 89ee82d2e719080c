import { describe, expect, it } from 'vitest';
import type { TorrentSummary } from '../../src-shared/contract';
import { fakeSummary } from '../testing/summary-row';
import { TorrentListReplay } from './torrent-list-replay';

function row(hash: string, progress: number): TorrentSummary {
  return fakeSummary({ infoHash: hash.repeat(40), name: hash, progress });
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
