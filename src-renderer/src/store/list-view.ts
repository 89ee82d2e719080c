/** Which torrents the list shows, and in what order: pure functions over the summaries. */
import type { TorrentState, TorrentSummary } from '../api/contract';

export const sortKeys = ['queue', 'name', 'size', 'progress', 'state', 'downRate', 'upRate', 'eta', 'seeds', 'peers', 'ratio'] as const;
export type SortKey = (typeof sortKeys)[number];
export interface SortSpec {
  key: SortKey;
  direction: 'ascending' | 'descending';
}

export const stateFilters = ['all', 'downloading', 'seeding', 'paused', 'error'] as const;
export type StateFilter = (typeof stateFilters)[number];
/** A sidebar choice: null shows all; `none` the torrents without any (no category, no tag, no tracker). */
export type LabelFilter = { kind: 'none' } | { kind: 'is'; name: string } | null;
export interface FilterSpec {
  state: StateFilter;
  text: string;
  category?: LabelFilter;
  tag?: LabelFilter;
  tracker?: LabelFilter;
}

/** Whether a torrent with these labels passes a sidebar choice. */
export function matchesLabel(labels: readonly string[] | undefined, filter: LabelFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.kind === 'none') return labels === undefined || labels.length === 0;
  return labels?.includes(filter.name) ?? false;
}

/** The sidebar's three label kinds, as each torrent carries them. */
export const labelsOf = {
  category: (t: TorrentSummary) => (t.category === undefined ? undefined : [t.category]),
  tag: (t: TorrentSummary) => t.tags,
  tracker: (t: TorrentSummary) => t.trackerHosts,
} as const;

function matchesSidebar(t: TorrentSummary, filter: FilterSpec): boolean {
  return matchesLabel(labelsOf.category(t), filter.category) && matchesLabel(labelsOf.tag(t), filter.tag) && matchesLabel(labelsOf.tracker(t), filter.tracker);
}

const filterOf: Record<TorrentState, Exclude<StateFilter, 'all'>> = {
  checking: 'downloading',
  downloading: 'downloading',
  metadata: 'downloading',
  queued: 'downloading',
  seeding: 'seeding',
  paused: 'paused',
  error: 'error',
  moving: 'paused',
};

export function matchesState(t: TorrentSummary, filter: StateFilter): boolean {
  if (filter === 'all') return true;
  // A queued torrent that is complete waits to seed, not to download.
  if (t.state === 'queued' && t.progress >= 1) return filter === 'seeding';
  return filterOf[t.state] === filter;
}

export function matchesText(t: TorrentSummary, needle: string): boolean {
  if (needle === '') return true;
  const n = needle.toLowerCase();
  return t.name.toLowerCase().includes(n) || t.infoHash.startsWith(n);
}

/** Connected peers that are not seeds: the "Peers" column, beside the "Seeds" one. */
export function nonSeedPeers(t: TorrentSummary): number {
  return Math.max(0, t.peers.connected - t.peers.seeds);
}

// One collator for every comparison: String#localeCompare would build locale data per call.
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

// Order of states when sorting by state: active work first.
const stateRank: Record<TorrentState, number> = { downloading: 0, metadata: 1, checking: 2, seeding: 3, queued: 4, paused: 5, moving: 6, error: 7 };

function sortValue(t: TorrentSummary, key: SortKey): number | string {
  switch (key) {
    case 'queue':
      // Torrents outside the queue sort after every queued one.
      return t.queuePosition ?? Number.POSITIVE_INFINITY;
    case 'name':
      return t.name;
    case 'size':
      return t.wanted;
    case 'progress':
      return t.progress;
    case 'state':
      return stateRank[t.state];
    case 'downRate':
      return t.downRate;
    case 'upRate':
      return t.upRate;
    case 'eta':
      // Unknown ETA sorts after every known one.
      return t.eta ?? Number.POSITIVE_INFINITY;
    case 'seeds':
      return t.peers.seeds;
    case 'peers':
      return nonSeedPeers(t);
    case 'ratio':
      return t.ratio;
  }
}

export function compareTorrents(a: TorrentSummary, b: TorrentSummary, sort: SortSpec): number {
  const va = sortValue(a, sort.key);
  const vb = sortValue(b, sort.key);
  let c = 0;
  if (typeof va === 'string' && typeof vb === 'string') c = collator.compare(va, vb);
  else if (va < vb) c = -1;
  else if (va > vb) c = 1;
  if (sort.direction === 'descending') c = -c;
  if (c !== 0) return c;
  // Ties keep a stable, predictable order whatever the direction.
  return collator.compare(a.name, b.name) || (a.infoHash < b.infoHash ? -1 : a.infoHash > b.infoHash ? 1 : 0);
}

export function visibleIds(torrents: Iterable<TorrentSummary>, sort: SortSpec, filter: FilterSpec): string[] {
  const needle = filter.text.trim();
  const rows: TorrentSummary[] = [];
  for (const t of torrents) if (matchesState(t, filter.state) && matchesText(t, needle) && matchesSidebar(t, filter)) rows.push(t);
  rows.sort((a, b) => compareTorrents(a, b, sort));
  return rows.map((t) => t.infoHash);
}

export function countByFilter(torrents: Iterable<TorrentSummary>): Record<StateFilter, number> {
  const counts: Record<StateFilter, number> = { all: 0, downloading: 0, seeding: 0, paused: 0, error: 0 };
  for (const t of torrents) {
    counts.all++;
    for (const f of stateFilters) if (f !== 'all' && matchesState(t, f)) counts[f]++;
  }
  return counts;
}

/** Clicking the sorted column flips it; another column starts in its natural direction. */
export function nextSort(current: SortSpec, key: SortKey): SortSpec {
  if (current.key === key) return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  const ascendingFirst = key === 'queue' || key === 'name' || key === 'state' || key === 'eta';
  return { key, direction: ascendingFirst ? 'ascending' : 'descending' };
}
