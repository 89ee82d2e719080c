/** Pure state transitions for the renderer store; each takes the state and returns the changed fields. */
import { limits, type DetailTab, type EventPayload, type GlobalStats, type LogEntry, type Settings, type TorrentOptions, type TorrentSummary } from '../api/contract';
import { countByFilter, visibleIds, type FilterSpec, type SortSpec, type StateFilter } from './list-view';
import { defaultColumnLayout, type ColumnLayout } from './column-layout';
import { emptySelection, pruneSelection, type Selection } from './selection';

export type DetailState = EventPayload<'detail'>;

export interface Notice {
  id: number;
  /** 'error' is shown as an alert; 'info' (finished, ratio reached) as a status message. */
  tone: 'error' | 'info';
  message: string;
}

export interface ShoalState {
  connected: boolean;
  /** The engine was connected once: when it is not now, it dropped (rather than not come yet). */
  wasConnected: boolean;
  torrents: ReadonlyMap<string, TorrentSummary>;
  /** Ids shown by the list, filtered and sorted; the same array until its contents change. */
  visible: readonly string[];
  counts: Record<StateFilter, number>;
  sort: SortSpec;
  filter: FilterSpec;
  selection: Selection;
  tab: DetailTab;
  detail: DetailState | null;
  /** When the last detail arrived (ms): "in 3m" for tracker announces is relative to it. */
  detailAt: number;
  stats: GlobalStats | null;
  settings: Settings | null;
  notices: readonly Notice[];
  /** The engine's log of notices, oldest first: loaded on (re)connect, then grown by each numbered notice. */
  log: readonly LogEntry[];
  /** The Statistics and Log views are open. */
  statsOpen: boolean;
  logOpen: boolean;
  /** Torrents waiting for the user to confirm their removal. */
  removing: readonly string[] | null;
  /** Torrents whose new save folder the move-storage dialog is asking for. */
  relocating: readonly string[] | null;
  /** Torrents whose speed limits the Speed limits dialog sets. */
  limiting: readonly string[] | null;
  /** Torrents whose category and tags the labels dialog sets. */
  labeling: readonly string[] | null;
  /** The torrent the rename dialog renames. */
  renaming: string | null;
  settingsOpen: boolean;
  /** The create-torrent dialog is open. */
  creating: boolean;
  columns: ColumnLayout;
  /** The detail panel's height the user dragged to (px); null: the default share of the window. */
  detailHeight: number | null;
}

export const initialState: ShoalState = {
  connected: false,
  wasConnected: false,
  torrents: new Map(),
  visible: [],
  counts: { all: 0, downloading: 0, seeding: 0, paused: 0, error: 0 },
  sort: { key: 'name', direction: 'ascending' },
  filter: { state: 'all', text: '' },
  selection: emptySelection,
  tab: 'general',
  detail: null,
  detailAt: 0,
  stats: null,
  settings: null,
  notices: [],
  log: [],
  statsOpen: false,
  logOpen: false,
  removing: null,
  relocating: null,
  limiting: null,
  labeling: null,
  renaming: null,
  settingsOpen: false,
  creating: false,
  columns: defaultColumnLayout,
  detailHeight: null,
};

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Recomputes the visible ids, keeping the old array (and so sparing a list render) when unchanged. */
export function refreshVisible(s: ShoalState, torrents: ReadonlyMap<string, TorrentSummary>, sort: SortSpec, filter: FilterSpec): readonly string[] {
  const next = visibleIds(torrents.values(), sort, filter);
  return sameIds(next, s.visible) ? s.visible : next;
}

function sameCounts(a: Record<StateFilter, number>, b: Record<StateFilter, number>): boolean {
  return a.all === b.all && a.downloading === b.downloading && a.seeding === b.seeding && a.paused === b.paused && a.error === b.error;
}

export function applyTorrents(s: ShoalState, ev: EventPayload<'torrents'>): Partial<ShoalState> {
  const torrents = new Map(ev.full ? [] : s.torrents);
  // Unchanged rows keep their object identity, so only rows that changed re-render.
  for (const t of ev.changed) torrents.set(t.infoHash, t);
  for (const id of ev.removed) torrents.delete(id);
  const counts = countByFilter(torrents.values());
  const selection = pruneSelection(s.selection, (id) => torrents.has(id));
  const detail = s.detail !== null && !torrents.has(s.detail.infoHash) ? null : s.detail;
  return {
    torrents,
    visible: refreshVisible(s, torrents, s.sort, s.filter),
    counts: sameCounts(counts, s.counts) ? s.counts : counts,
    selection,
    detail,
  };
}

/** Details arrive per tab; a payload for another torrent replaces, one for the same torrent merges. */
export function applyDetail(s: ShoalState, ev: DetailState, now: number): Partial<ShoalState> {
  if (s.detail === null || s.detail.infoHash !== ev.infoHash) return { detail: ev, detailAt: now };
  return { detail: { ...s.detail, ...ev }, detailAt: now };
}

/** Merges options the engine just accepted into the shown detail; the next detail update carries them anyway. */
export function applyOptionsSaved(s: ShoalState, infoHash: string, options: Partial<TorrentOptions>): Partial<ShoalState> {
  const general = s.detail?.infoHash === infoHash ? s.detail.general : undefined;
  if (s.detail === null || general === undefined) return {};
  return { detail: { ...s.detail, general: { ...general, options: { ...general.options, ...options } } } };
}

export function applyNotice(s: ShoalState, ev: EventPayload<'notice'>, id: number): Partial<ShoalState> {
  const tone = ev.kind === 'error' || ev.kind === 'tracker-error' || ev.kind === 'engine-restarted' ? 'error' : 'info';
  // Keep the newest few: a flood of notices must not grow the page without bound.
  const notices = [...s.notices, { id, tone, message: ev.message } satisfies Notice].slice(-5);
  return { notices, ...applyLogged(s, ev) };
}

/** A notice the engine numbered joins the log (once, in order; as many as the engine keeps); others (the UI's own, the host's) are not the engine's log. */
function applyLogged(s: ShoalState, ev: EventPayload<'notice'>): Partial<ShoalState> {
  if (ev.id === undefined || ev.at === undefined) return {};
  const last = s.log.at(-1);
  if (last !== undefined && last.id >= ev.id) return {};
  const { id, at, kind, message, infoHash, name } = ev;
  const entry: LogEntry = { id, at, kind, message, ...(infoHash !== undefined ? { infoHash } : {}), ...(name !== undefined ? { name } : {}) };
  return { log: [...s.log, entry].slice(-limits.logEntries) };
}

export function applySort(s: ShoalState, sort: SortSpec): Partial<ShoalState> {
  return { sort, visible: refreshVisible(s, s.torrents, sort, s.filter) };
}

export function applyFilter(s: ShoalState, filter: FilterSpec): Partial<ShoalState> {
  return { filter, visible: refreshVisible(s, s.torrents, s.sort, filter) };
}
