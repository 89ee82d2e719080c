import { describe, expect, it } from 'vitest';
import { clickSelect, emptySelection, focusedTorrent, moveCursor, pruneSelection, selectAll, type Selection } from './selection';

const ids = ['a', 'b', 'c', 'd', 'e'];
const plain = { toggle: false, range: false };
const sel = (s: Selection) => [...s.selected].sort();

describe('clickSelect', () => {
  it('selects one row on a plain click', () => {
    const s = clickSelect(clickSelect(emptySelection, ids, 'b', plain), ids, 'd', plain);
    expect(sel(s)).toEqual(['d']);
    expect(s.anchor).toBe('d');
  });
  it('toggles rows with Ctrl/Cmd', () => {
    let s = clickSelect(emptySelection, ids, 'b', plain);
    s = clickSelect(s, ids, 'd', { toggle: true, range: false });
    expect(sel(s)).toEqual(['b', 'd']);
    s = clickSelect(s, ids, 'b', { toggle: true, range: false });
    expect(sel(s)).toEqual(['d']);
  });
  it('selects a range from the anchor with Shift, in either direction', () => {
    let s = clickSelect(emptySelection, ids, 'b', plain);
    s = clickSelect(s, ids, 'd', { toggle: false, range: true });
    expect(sel(s)).toEqual(['b', 'c', 'd']);
    s = clickSelect(s, ids, 'a', { toggle: false, range: true });
    expect(sel(s)).toEqual(['a', 'b']);
    expect(s.anchor).toBe('b');
  });
  it('adds a range to the selection with Ctrl+Shift', () => {
    let s = clickSelect(emptySelection, ids, 'e', plain);
    s = clickSelect(s, ids, 'a', { toggle: true, range: false });
    s = clickSelect(s, ids, 'c', { toggle: true, range: true });
    expect(sel(s)).toEqual(['a', 'b', 'c', 'e']);
  });
});

describe('keyboard selection', () => {
  it('moves the cursor, clamped to the list', () => {
    let s = moveCursor(emptySelection, ids, 0, false);
    expect(sel(s)).toEqual(['a']);
    s = moveCursor(s, ids, -1, false);
    expect(s.cursor).toBe('a');
    s = moveCursor(s, ids, 99, false);
    expect(sel(s)).toEqual(['e']);
  });
  it('extends from the anchor with Shift', () => {
    let s = moveCursor(emptySelection, ids, 1, false);
    s = moveCursor(s, ids, 2, true);
    s = moveCursor(s, ids, 3, true);
    expect(sel(s)).toEqual(['b', 'c', 'd']);
    s = moveCursor(s, ids, 0, true);
    expect(sel(s)).toEqual(['a', 'b']);
  });
  it('selects all', () => {
    expect(sel(selectAll(emptySelection, ids))).toEqual(ids);
  });
  it('leaves an empty list alone', () => {
    expect(moveCursor(emptySelection, [], 3, false)).toBe(emptySelection);
  });
});

describe('pruneSelection and focusedTorrent', () => {
  it('drops removed ids and returns the same object when nothing is gone', () => {
    const s = clickSelect(clickSelect(emptySelection, ids, 'b', plain), ids, 'c', { toggle: true, range: false });
    expect(pruneSelection(s, () => true)).toBe(s);
    const pruned = pruneSelection(s, (id) => id !== 'c');
    expect(sel(pruned)).toEqual(['b']);
    expect(pruned.cursor).toBeNull();
    expect(focusedTorrent(pruned)).toBe('b');
  });
  it('focuses the cursor row when it is selected', () => {
    const s = clickSelect(clickSelect(emptySelection, ids, 'b', plain), ids, 'd', { toggle: true, range: false });
    expect(focusedTorrent(s)).toBe('d');
    expect(focusedTorrent(emptySelection)).toBeNull();
  });
});
