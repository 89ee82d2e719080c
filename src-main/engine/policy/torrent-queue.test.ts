import { describe, expect, it } from 'vitest';
import type { QueueSettings, TorrentState } from '../../../src-shared/contract';
import { TorrentQueue, type QueuedTorrent } from './torrent-queue';

/** A torrent that records its starts and pauses. */
function fake(infoHash: string, state: TorrentState, log: string[]): QueuedTorrent & { state: TorrentState } {
  const t = {
    infoHash,
    state,
    isComplete: true,
    start: async () => {
      log.push(`start ${infoHash}`);
      t.state = 'seeding';
    },
    pause: async (as: 'paused' | 'queued') => {
      log.push(`${as} ${infoHash}`);
      t.state = as;
    },
  };
  return t;
}

const off: QueueSettings = { maxActiveDownloads: 0, maxActiveSeeds: 0, maxActiveTorrents: 0, stalledMinutes: 5 };

describe('TorrentQueue', () => {
  it('gives each torrent its place in the order as the order changes, and says whose place moved', () => {
    const queue = new TorrentQueue();
    queue.add('a', true);
    queue.add('b', false);
    queue.add('c', true);
    expect([...queue.positions()]).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    expect(queue.move(['c'], 'top')).toEqual(['c', 'a', 'b']);
    expect([...queue.positions()]).toEqual([['c', 1], ['a', 2], ['b', 3]]);
    expect(queue.move(['b'], 'bottom')).toEqual([]);
    expect(queue.remove('a')).toEqual(['b']);
    expect([...queue.positions()]).toEqual([['c', 1], ['b', 2]]);
    queue.add('a', true);
    queue.add('c', true); // already in the order: keeps its place
    expect([...queue.positions()]).toEqual([['c', 1], ['b', 2], ['a', 3]]);
  });

  it('forces a torrent until it leaves or joins again normally', () => {
    const queue = new TorrentQueue();
    queue.add('a', false);
    queue.force('a');
    expect(queue.isForced('a')).toBe(true);
    queue.join('a');
    expect(queue.isForced('a')).toBe(false);
    queue.force('a');
    queue.leave('a');
    expect(queue.isForced('a')).toBe(false);
    queue.force('a');
    queue.remove('a');
    expect(queue.isForced('a')).toBe(false);
  });

  it('without queue limits, starts every member, and after an add looks only at the one added', () => {
    const log: string[] = [];
    const torrents = new Map(['a', 'b', 'c'].map((h) => [h, fake(h, 'paused', log)]));
    const queue = new TorrentQueue();
    queue.add('a', true);
    queue.add('b', false);
    queue.apply(torrents, off, () => false);
    expect(log).toEqual(['start a']);
    // 'a' paused behind the queue's back: only a whole pass would start it again.
    torrents.get('a')!.state = 'paused';
    queue.add('c', true);
    queue.applyAfter('c', torrents, off, () => false);
    expect(log).toEqual(['start a', 'start c']);
    queue.apply(torrents, off, () => false);
    expect(log).toEqual(['start a', 'start c', 'start a']);
  });

  it('with queue limits, decides the whole queue again after an add', () => {
    const log: string[] = [];
    const torrents = new Map(['a', 'b'].map((h) => [h, fake(h, 'paused', log)]));
    const queue = new TorrentQueue();
    const oneSeed = { ...off, maxActiveSeeds: 1 };
    queue.add('a', true);
    queue.add('b', true);
    queue.applyAfter('b', torrents, oneSeed, () => false);
    expect(log).toEqual(['start a', 'queued b']);
  });
});
