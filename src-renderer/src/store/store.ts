/** The renderer's zustand store: engine events in, narrow slices out. */
import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { DetailTab, EventPayload, GlobalStats, LogEntry, Settings, TorrentOptions } from '../api/contract';
import type { ColumnLayout } from './column-layout';
import type { FilterSpec, SortSpec } from './list-view';
import { applyDetail, applyFilter, applyOptionsSaved, applyNotice, applySort, applyTorrents, initialState, type ShoalState } from './reducers';
import type { Selection } from './selection';

export interface ShoalActions {
  setConnected(connected: boolean): void;
  torrentsEvent(ev: EventPayload<'torrents'>): void;
  statsEvent(ev: GlobalStats): void;
  detailEvent(ev: EventPayload<'detail'>): void;
  noticeEvent(ev: EventPayload<'notice'>): void;
  /** A failure on the UI side (rejected command, unreadable file) shown like an error notice. */
  reportError(message: string): void;
  dismissNotice(id: number): void;
  /** The engine's log as it answered `getLog`; numbered notices after it are added as they come. */
  logLoaded(entries: readonly LogEntry[]): void;
  setStatsOpen(open: boolean): void;
  setLogOpen(open: boolean): void;
  setSettings(settings: Settings): void;
  setSort(sort: SortSpec): void;
  setFilter(filter: FilterSpec): void;
  setSelection(selection: Selection): void;
  setTab(tab: DetailTab): void;
  setRemoving(ids: readonly string[] | null): void;
  setRelocating(ids: readonly string[] | null): void;
  setLimiting(ids: readonly string[] | null): void;
  setLabeling(ids: readonly string[] | null): void;
  setRenaming(infoHash: string | null): void;
  setSettingsOpen(open: boolean): void;
  setCreating(open: boolean): void;
  setColumns(columns: ColumnLayout): void;
  setDetailHeight(px: number | null): void;
  /** The engine accepted new options for a torrent: show them now, before the next detail update. */
  optionsSaved(infoHash: string, options: Partial<TorrentOptions>): void;
}

export type ShoalStore = StoreApi<ShoalState & ShoalActions>;

export function createShoalStore(initial: Partial<ShoalState> = {}): ShoalStore {
  let noticeId = 0;
  return createStore<ShoalState & ShoalActions>()((set) => ({
    ...initialState,
    ...initial,
    wasConnected: initial.wasConnected ?? initial.connected ?? false,
    setConnected: (connected) => set((s) => ({ connected, wasConnected: s.wasConnected || connected })),
    torrentsEvent: (ev) => set((s) => applyTorrents(s, ev)),
    statsEvent: (stats) => set({ stats }),
    detailEvent: (ev) => set((s) => applyDetail(s, ev, Date.now())),
    noticeEvent: (ev) => set((s) => applyNotice(s, ev, ++noticeId)),
    reportError: (message) => set((s) => applyNotice(s, { kind: 'error', message }, ++noticeId)),
    dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
    logLoaded: (log) => set({ log }),
    setStatsOpen: (statsOpen) => set({ statsOpen }),
    setLogOpen: (logOpen) => set({ logOpen }),
    setSettings: (settings) => set({ settings }),
    setSort: (sort) => set((s) => applySort(s, sort)),
    setFilter: (filter) => set((s) => applyFilter(s, filter)),
    setSelection: (selection) => set({ selection }),
    setTab: (tab) => set({ tab }),
    setRemoving: (removing) => set({ removing: removing !== null && removing.length > 0 ? removing : null }),
    setRelocating: (relocating) => set({ relocating: relocating !== null && relocating.length > 0 ? relocating : null }),
    setLabeling: (labeling) => set({ labeling: labeling !== null && labeling.length > 0 ? labeling : null }),
    setRenaming: (renaming) => set({ renaming }),
    setLimiting: (limiting) => set({ limiting: limiting !== null && limiting.length > 0 ? limiting : null }),
    setSettingsOpen: (settingsOpen) => set({ settingsOpen }),
    setCreating: (creating) => set({ creating }),
    setColumns: (columns) => set({ columns }),
    setDetailHeight: (detailHeight) => set({ detailHeight }),
    optionsSaved: (infoHash, options) => set((s) => applyOptionsSaved(s, infoHash, options)),
  }));
}

export const StoreContext = createContext<ShoalStore | null>(null);

export function useShoalStore(): ShoalStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useShoal outside <StoreContext.Provider>');
  return store;
}

/** Selects one narrow slice; the component re-renders only when that slice changes (Object.is). */
export function useShoal<T>(selector: (s: ShoalState & ShoalActions) => T): T {
  return useStore(useShoalStore(), selector);
}
