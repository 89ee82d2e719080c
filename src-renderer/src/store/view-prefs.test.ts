import { describe, expect, it } from 'vitest';
import { defaultColumnLayout, moveColumn, resizeColumn, shownColumns, toggleColumn } from './column-layout';
import { createShoalStore } from './store';
import { keepViewPrefs, loadViewPrefs } from './view-prefs';

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

describe('column layout', () => {
  it('hides and shows a column, but never the name', () => {
    const hidden = toggleColumn(defaultColumnLayout, 'eta');
    expect(shownColumns(hidden)).not.toContain('eta');
    expect(shownColumns(toggleColumn(hidden, 'eta'))).toContain('eta');
    expect(shownColumns(toggleColumn(defaultColumnLayout, 'name'))).toContain('name');
  });

  it('moves a column before another, and clamps a width', () => {
    const moved = moveColumn(defaultColumnLayout, 'ratio', 'name');
    expect(shownColumns(moved).slice(0, 3)).toEqual(['queue', 'ratio', 'name']);
    expect(resizeColumn(defaultColumnLayout, 'size', 5).widths.size).toBe(40);
    expect(resizeColumn(defaultColumnLayout, 'size', 123.4).widths.size).toBe(123);
  });
});

describe('view preferences', () => {
  it('come back after a reload: sort, filter, tab, columns and the detail height', () => {
    const storage = memoryStorage();
    const before = createShoalStore();
    keepViewPrefs(before, storage);
    const s = before.getState();
    s.setSort({ key: 'ratio', direction: 'descending' });
    s.setFilter({ state: 'seeding', text: 'iso' });
    s.setTab('trackers');
    s.setColumns(resizeColumn(toggleColumn(s.columns, 'eta'), 'name', 300));
    s.setDetailHeight(333);
    const after = createShoalStore(loadViewPrefs(storage)).getState();
    expect(after.sort).toEqual({ key: 'ratio', direction: 'descending' });
    expect(after.filter).toEqual({ state: 'seeding', text: 'iso' });
    expect(after.tab).toBe('trackers');
    expect(shownColumns(after.columns)).not.toContain('eta');
    expect(after.columns.widths.name).toBe(300);
    expect(after.detailHeight).toBe(333);
  });

  it('ignore what is damaged or unknown, part by part', () => {
    const storage = memoryStorage();
    storage.setItem('shoal.view.v1', JSON.stringify({ sort: { key: 'nope', direction: 'up' }, tab: 'peers', columns: { order: ['x', 'ratio'], hidden: ['name'], widths: { size: 'wide' } } }));
    const prefs = loadViewPrefs(storage);
    expect(prefs.sort).toBeUndefined();
    expect(prefs.tab).toBe('peers');
    expect(prefs.columns?.order[0]).toBe('ratio');
    expect(prefs.columns?.order).toHaveLength(defaultColumnLayout.order.length);
    expect(prefs.columns?.hidden).toEqual([]);
    storage.setItem('shoal.view.v1', '{not json');
    expect(loadViewPrefs(storage)).toEqual({});
  });
});
