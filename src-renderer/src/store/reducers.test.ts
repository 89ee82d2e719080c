import { describe, expect, it } from 'vitest';
import { summary } from '../testing/torrents';
import { applyDetail, applyFilter, applyNotice, applySort, applyTorrents, initialState, type ShoalState } from './reducers';
import { limits } from '../api/contract';

function withTorrents(n: number): ShoalState {
  const changed = Array.from({ length: n }, (_, i) => summary(i));
  return { ...initialState, ...applyTorrents(initialState, { full: true, changed, removed: [] }) };
}

describe('applyTorrents', () => {
  it('replaces everything on a full snapshot', () => {
    const s = withTorrents(3);
    const next = applyTorrents(s, { full: true, changed: [summary(7)], removed: [] });
    expect([...next.torrents!.keys()]).toEqual([summary(7).infoHash]);
    expect(next.counts!.all).toBe(1);
  });

  it('updates changed rows and keeps the identity of the others', () => {
    const s = withTorrents(3);
    const changedRow = summary(1, { progress: 0.9 });
    const next = applyTorrents(s, { full: false, changed: [changedRow], removed: [] });
    expect(next.torrents!.get(changedRow.infoHash)).toBe(changedRow);
    expect(next.torrents!.get(summary(0).infoHash)).toBe(s.torrents.get(summary(0).infoHash));
    expect(next.torrents!.get(summary(2).infoHash)).toBe(s.torrents.get(summary(2).infoHash));
  });

  it('keeps the visible array when order and membership are unchanged, so the list does not re-render', () => {
    const s = withTorrents(3);
    const next = applyTorrents(s, { full: false, changed: [summary(1, { downRate: 5 })], removed: [] });
    expect(next.visible).toBe(s.visible);
    expect(next.counts).toBe(s.counts);
  });

  it('re-sorts when a changed value moves a row', () => {
    const s = { ...withTorrents(3), ...applySort(withTorrents(3), { key: 'downRate', direction: 'descending' }) };
    expect(s.visible).toEqual([summary(2).infoHash, summary(1).infoHash, summary(0).infoHash]);
    const next = applyTorrents(s, { full: false, changed: [summary(0, { downRate: 1e9 })], removed: [] });
    expect(next.visible).toEqual([summary(0).infoHash, summary(2).infoHash, summary(1).infoHash]);
  });

  it('removes rows and drops them from the selection and detail', () => {
    const base = withTorrents(3);
    const id = summary(1).infoHash;
    const s: ShoalState = {
      ...base,
      selection: { selected: new Set([id, summary(2).infoHash]), anchor: id, cursor: id },
      detail: { infoHash: id, peers: [] },
    };
    const next = applyTorrents(s, { full: false, changed: [], removed: [id] });
    expect(next.torrents!.has(id)).toBe(false);
    expect(next.visible).not.toContain(id);
    expect([...next.selection!.selected]).toEqual([summary(2).infoHash]);
    expect(next.selection!.cursor).toBeNull();
    expect(next.detail).toBeNull();
  });

  it('counts torrents per state filter', () => {
    const s = applyTorrents(initialState, {
      full: true,
      changed: [summary(0), summary(1, { state: 'seeding', progress: 1 }), summary(2, { state: 'paused' }), summary(3, { state: 'error' }), summary(4, { state: 'queued', progress: 1 })],
      removed: [],
    });
    expect(s.counts).toEqual({ all: 5, downloading: 1, seeding: 2, paused: 1, error: 1 });
  });
});

describe('applyFilter', () => {
  it('filters by state and by text', () => {
    const s = {
      ...initialState,
      ...applyTorrents(initialState, {
        full: true,
        changed: [summary(1, { name: 'Debian netinst' }), summary(2, { name: 'Ubuntu', state: 'paused' }), summary(3, { name: 'debian dvd', state: 'paused' })],
        removed: [],
      }),
    };
    expect(applyFilter(s, { state: 'paused', text: '' }).visible).toEqual([summary(3).infoHash, summary(2).infoHash]);
    expect(applyFilter(s, { state: 'all', text: 'DEBIAN' }).visible).toEqual([summary(3).infoHash, summary(1).infoHash]);
    expect(applyFilter(s, { state: 'paused', text: 'debian' }).visible).toEqual([summary(3).infoHash]);
  });
});

describe('applyDetail', () => {
  it('merges tabs for the same torrent and replaces for another', () => {
    const s = { ...initialState, ...applyDetail(initialState, { infoHash: summary(1).infoHash, peers: [] }, 5) };
    const merged = applyDetail(s, { infoHash: summary(1).infoHash, files: [] }, 6);
    expect(merged.detail).toEqual({ infoHash: summary(1).infoHash, peers: [], files: [] });
    expect(merged.detailAt).toBe(6);
    const other = applyDetail(s, { infoHash: summary(2).infoHash, files: [] }, 7);
    expect(other.detail).toEqual({ infoHash: summary(2).infoHash, files: [] });
  });
});

describe('applyNotice', () => {
  it('shows errors as alerts and caps the list at the newest five', () => {
    let s: ShoalState = initialState;
    for (let i = 1; i <= 7; i++) s = { ...s, ...applyNotice(s, { kind: i % 2 ? 'error' : 'torrent-finished', message: `m${i}` }, i) };
    expect(s.notices.map((n) => n.message)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']);
    expect(s.notices.map((n) => n.tone)).toEqual(['error', 'info', 'error', 'info', 'error']);
  });

  it('keeps a tracker failure on screen as an alert, as a torrent error', () => {
    const s = applyNotice(initialState, { kind: 'tracker-error', message: 'No tracker of "x" works.' }, 1);
    expect(s.notices).toEqual([{ id: 1, tone: 'error', message: 'No tracker of "x" works.' }]);
  });

  it("adds the engine's numbered notices to the log once each, in order, and keeps only as many as the engine does", () => {
    let s: ShoalState = initialState;
    const numbered = (id: number) => ({ kind: 'error' as const, message: `e${id}`, id, at: id * 1000 });
    for (const id of [1, 2, 2, 1, 3]) s = { ...s, ...applyNotice(s, numbered(id), id) };
    expect(s.log).toEqual([1, 2, 3].map((id) => ({ id, at: id * 1000, kind: 'error', message: `e${id}` })));
    for (let id = 4; id <= limits.logEntries + 10; id++) s = { ...s, ...applyNotice(s, numbered(id), id) };
    expect(s.log).toHaveLength(limits.logEntries);
    expect(s.log[0]!.id).toBe(11);
  });
});
