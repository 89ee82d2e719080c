/** How the user left the window (sort, filter, tab, columns, detail panel height), kept across reloads. */
import type { DetailTab } from '../api/contract';
import { layoutFrom } from './column-layout';
import { sortKeys, stateFilters, type FilterSpec, type SortSpec } from './list-view';
import type { ShoalState } from './reducers';
import type { ShoalStore } from './store';

const key = 'shoal.view.v1';
const detailTabs: readonly DetailTab[] = ['general', 'pieces', 'peers', 'files', 'trackers', 'speed'];

type Prefs = Pick<ShoalState, 'sort' | 'filter' | 'tab' | 'columns' | 'detailHeight'>;

function pick(s: ShoalState): Prefs {
  return { sort: s.sort, filter: s.filter, tab: s.tab, columns: s.columns, detailHeight: s.detailHeight };
}

const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T => typeof v === 'string' && (list as readonly string[]).includes(v);

/** What was saved, each part checked: a damaged or older entry gives the defaults for that part. */
export function loadViewPrefs(storage: Pick<Storage, 'getItem'>): Partial<ShoalState> {
  let raw: unknown;
  try {
    raw = JSON.parse(storage.getItem(key) ?? 'null');
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const out: Partial<ShoalState> = { columns: layoutFrom(r.columns) };
  const sort = r.sort as Partial<SortSpec> | undefined;
  if (sort && oneOf(sortKeys, sort.key) && oneOf(['ascending', 'descending'] as const, sort.direction)) out.sort = { key: sort.key, direction: sort.direction };
  const filter = r.filter as Partial<FilterSpec> | undefined;
  if (filter && oneOf(stateFilters, filter.state) && typeof filter.text === 'string') out.filter = { state: filter.state, text: filter.text.slice(0, 200) };
  if (oneOf<DetailTab>(detailTabs, r.tab)) out.tab = r.tab;
  if (typeof r.detailHeight === 'number' && Number.isFinite(r.detailHeight) && r.detailHeight > 0) out.detailHeight = Math.round(r.detailHeight);
  return out;
}

/** Saves the view whenever a part of it changes; returns the function that stops. */
export function keepViewPrefs(store: ShoalStore, storage: Pick<Storage, 'setItem'>): () => void {
  let last = pick(store.getState());
  return store.subscribe((s) => {
    const next = pick(s);
    if (next.sort === last.sort && next.filter === last.filter && next.tab === last.tab && next.columns === last.columns && next.detailHeight === last.detailHeight) return;
    last = next;
    try {
      storage.setItem(key, JSON.stringify(next));
    } catch {
      // Storage full or denied (private window): the view is simply not remembered.
    }
  });
}
