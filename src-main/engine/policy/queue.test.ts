import { describe, expect, it } from 'vitest';
import { decideQueue, moveInOrder, type QueueEntry } from './queue';

const settings = { maxActiveDownloads: 2, maxActiveSeeds: 1, maxActiveTorrents: 3, stalledMinutes: 5 };
const down = (id: string, stalled = false): QueueEntry => ({ id, wants: 'download', stalled });
const seed = (id: string, stalled = false): QueueEntry => ({ id, wants: 'seed', stalled });

describe('decideQueue', () => {
  it('runs the first downloads and seeds in queue order up to their limits', () => {
    const run = decideQueue([down('a'), seed('s1'), down('b'), down('c'), seed('s2')], settings);
    expect([...run]).toEqual(['a', 's1', 'b']);
  });

  it('caps the total even when each kind has room', () => {
    const run = decideQueue([down('a'), down('b'), seed('s1'), down('c')], { ...settings, maxActiveDownloads: 5, maxActiveSeeds: 5, maxActiveTorrents: 2 });
    expect([...run]).toEqual(['a', 'b']);
  });

  it('treats 0 as no limit', () => {
    const entries = ['a', 'b', 'c', 'd'].map((id) => down(id));
    expect(decideQueue(entries, { ...settings, maxActiveDownloads: 0, maxActiveTorrents: 0 }).size).toBe(4);
  });

  it('lets a stalled torrent keep running without holding a slot', () => {
    const run = decideQueue([down('a', true), down('b'), down('c'), down('d')], settings);
    expect([...run]).toEqual(['a', 'b', 'c']);
  });

  it('runs a forced torrent whatever the limits, without it taking a slot', () => {
    const run = decideQueue([down('a'), down('b'), { ...down('f'), forced: true }, down('c')], { ...settings, maxActiveTorrents: 2 });
    expect([...run]).toEqual(['a', 'b', 'f']);
  });

  it('lets the next waiting torrent in once an earlier one is gone', () => {
    expect(decideQueue([down('a'), down('b'), down('c')], settings).has('c')).toBe(false);
    expect(decideQueue([down('b'), down('c')], settings).has('c')).toBe(true);
  });
});

describe('moveInOrder', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];

  it('moves a set to the top or bottom keeping its own order', () => {
    expect(moveInOrder(order, new Set(['d', 'b']), 'top')).toEqual(['b', 'd', 'a', 'c', 'e']);
    expect(moveInOrder(order, new Set(['d', 'b']), 'bottom')).toEqual(['a', 'c', 'e', 'b', 'd']);
  });

  it('moves each one place up or down past an unselected neighbour', () => {
    expect(moveInOrder(order, new Set(['b', 'd']), 'up')).toEqual(['b', 'a', 'd', 'c', 'e']);
    expect(moveInOrder(order, new Set(['b', 'd']), 'down')).toEqual(['a', 'c', 'b', 'e', 'd']);
  });

  it('moves a block together and stops at the ends', () => {
    expect(moveInOrder(order, new Set(['c', 'd']), 'up')).toEqual(['a', 'c', 'd', 'b', 'e']);
    expect(moveInOrder(order, new Set(['a', 'c']), 'up')).toEqual(['a', 'c', 'b', 'd', 'e']);
    expect(moveInOrder(order, new Set(['e']), 'down')).toEqual(order);
  });
});
