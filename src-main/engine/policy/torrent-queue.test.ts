import { describe, expect, it } from 'vitest';
import { TorrentQueue } from './torrent-queue';

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
});
