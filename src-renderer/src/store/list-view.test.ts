import { describe, expect, it } from 'vitest';
import { summary } from '../testing/torrents';
import { compareTorrents, nextSort, visibleIds } from './list-view';

describe('sorting', () => {
  const rows = [
    summary(1, { name: 'b', eta: null, ratio: 2, peers: { connected: 9, seeds: 1 } }),
    summary(2, { name: 'a', eta: 30, ratio: 0.5, peers: { connected: 3, seeds: 3 } }),
    summary(3, { name: 'C', eta: 10, ratio: 1, peers: { connected: 4, seeds: 0 } }),
  ];
  const order = (key: Parameters<typeof nextSort>[1], direction: 'ascending' | 'descending') =>
    visibleIds(rows, { key, direction }, { state: 'all', text: '' }).map((id) => rows.find((r) => r.infoHash === id)!.name);

  it('sorts names case-insensitively', () => {
    expect(order('name', 'ascending')).toEqual(['a', 'b', 'C']);
    expect(order('name', 'descending')).toEqual(['C', 'b', 'a']);
  });
  it('puts unknown ETAs last when ascending', () => {
    expect(order('eta', 'ascending')).toEqual(['C', 'a', 'b']);
  });
  it('sorts peers by connected non-seeds and seeds by seeds', () => {
    expect(order('peers', 'descending')).toEqual(['b', 'C', 'a']);
    expect(order('seeds', 'descending')).toEqual(['a', 'b', 'C']);
  });
  it('breaks ties by name so the order is stable', () => {
    const a = summary(5, { name: 'x', ratio: 1 });
    const b = summary(6, { name: 'y', ratio: 1 });
    expect(compareTorrents(a, b, { key: 'ratio', direction: 'descending' })).toBeLessThan(0);
    expect(compareTorrents(b, a, { key: 'ratio', direction: 'ascending' })).toBeGreaterThan(0);
  });
});

describe('nextSort', () => {
  it('flips the current column and starts numbers descending', () => {
    expect(nextSort({ key: 'name', direction: 'ascending' }, 'name')).toEqual({ key: 'name', direction: 'descending' });
    expect(nextSort({ key: 'name', direction: 'ascending' }, 'downRate')).toEqual({ key: 'downRate', direction: 'descending' });
    expect(nextSort({ key: 'downRate', direction: 'descending' }, 'eta')).toEqual({ key: 'eta', direction: 'ascending' });
  });
});

describe('filtering', () => {
  it('matches an info-hash prefix as well as the name', () => {
    const rows = [summary(0xabc, { name: 'one' }), summary(2, { name: 'two' })];
    expect(visibleIds(rows, { key: 'name', direction: 'ascending' }, { state: 'all', text: summary(0xabc).infoHash.slice(0, 38) })).toEqual([summary(0xabc).infoHash]);
    expect(visibleIds(rows, { key: 'name', direction: 'ascending' }, { state: 'all', text: '  tw ' })).toEqual([summary(2).infoHash]);
  });
  it('treats checking and metadata as downloading, and a complete queued torrent as seeding', () => {
    const rows = [summary(1, { state: 'checking' }), summary(2, { state: 'metadata' }), summary(3, { state: 'queued', progress: 1 }), summary(4, { state: 'seeding' })];
    const ids = (state: 'downloading' | 'seeding') => visibleIds(rows, { key: 'name', direction: 'ascending' }, { state, text: '' });
    expect(ids('downloading')).toEqual([summary(1).infoHash, summary(2).infoHash]);
    expect(ids('seeding')).toEqual([summary(3).infoHash, summary(4).infoHash]);
  });
});
