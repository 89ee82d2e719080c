import type { EventPayload, Settings, ShareLimits, TransferTotals } from '../../src-shared/contract';
import { isShoalError, reasonOf } from '../../src-shared/errors';
import type { Metainfo } from './metainfo/metainfo';
import { onDisk, type RenamedFile } from './storage/disk-names';
import { torrentFilePairs, undoMove } from './storage/move-files';
import type { ResumeData } from './storage/storage';
import type { Torrent } from './torrent';
import { SaveScheduler } from './persistence/save-scheduler';
import type { SavedMagnet } from './persistence/saved-session';
import { SessionStore, type LoadedSession, type SessionSnapshot, type StoredEntry, type StoredTorrent } from './persistence/session-store';
import { magnetRecord, resumeOf, torrentRecord } from './torrent-record';
import type { Labels } from './torrent-labels';

export interface SessionPersistenceOptions {
  readonly stateDir: string;
  readonly log?: (line: string) => void;
  /** A sentence every connected front end must hear (a save failed). */
  readonly notice: (payload: EventPayload<'notice'>) => void;
}

/** What a save takes from the running session. */
export interface LiveSession {
  readonly settings: Settings;
  /** Bytes moved all time, this session's included. */
  readonly allTime: TransferTotals;
  /** In queue order, which restoring keeps; each with the share limits a hand resume waived, and whether it was force started. */
  readonly torrents: readonly { readonly torrent: Torrent; readonly waived: ShareLimits | undefined; readonly forced: boolean }[];
  /** Torrents added from magnet links that are still fetching their metadata. */
  readonly magnets: readonly Torrent[];
  /** Each torrent's category and tags. */
  readonly labels: (infoHash: string) => Labels;
}

/** How the session takes back each saved entry; a throw keeps the entry saved and tells the user. */
export interface RestoreHooks {
  torrent(entry: StoredTorrent): Promise<void>;
  magnet(entry: SavedMagnet): Promise<void>;
}

export type CreateTorrent = (metainfo: Metainfo, savePath: string, restored: { addedAt?: number; resume?: ResumeData; renamed?: readonly RenamedFile[] }) => Torrent;

/**
 * The saved session, for the session: loads it, restores it entry by entry (keeping what fails so
 * the next save does not drop it, and telling why to each front end as it connects), and schedules
 * the saves of what runs.
 */
export class SessionPersistence {
  readonly #o: SessionPersistenceOptions;
  readonly #store: SessionStore;
  #saves: SaveScheduler | undefined;
  #lastSaveError: string | undefined;
  /** Saved entries that could not be restored, kept so the next save does not drop them. */
  readonly #unrestored: StoredEntry[] = [];
  /** What went wrong while restoring, told to each front end as it connects. */
  readonly startupNotices: EventPayload<'notice'>[] = [];

  constructor(options: SessionPersistenceOptions) {
    this.#o = options;
    this.#store = new SessionStore(options.stateDir);
  }

  load(): Promise<LoadedSession> {
    return this.#store.load();
  }

  /** Brings back the saved entries in their order through `hooks`; what fails is told and kept. */
  async restore(loaded: LoadedSession, hooks: RestoreHooks): Promise<void> {
    for (const problem of loaded.problems) this.tellAtStart(problem);
    for (const entry of loaded.entries) {
      try {
        if (entry.kind === 'magnet') await hooks.magnet(entry);
        else await hooks.torrent(entry);
      } catch (err) {
        this.#unrestored.push(entry);
        const what = entry.kind === 'magnet' ? `The magnet link ${entry.uri.slice(0, 80)}` : `"${entry.metainfo.name}"`;
        this.tellAtStart(`${what} could not be restored (${err instanceof Error ? err.message.replace(/\.$/, '') : String(err)}); it stays saved.`);
      }
    }
  }

  /** A saved torrent as it was: totals, times, options, priorities; an interrupted move is undone first. */
  async torrentFrom(entry: StoredTorrent, create: CreateTorrent): Promise<Torrent> {
    const r = entry.record;
    if (r.movingTo !== undefined) await this.#undoMove(entry);
    const resume = resumeOf(r);
    const torrent = create(entry.metainfo, r.savePath, { addedAt: r.addedAt, ...(resume ? { resume } : {}), ...(r.renamed ? { renamed: r.renamed } : {}) });
    torrent.carryOver(r.totals, r.seedingSeconds);
    torrent.displayName = r.name ?? null;
    torrent.completedAt = r.completedAt;
    torrent.setOptions(r.options);
    if (r.trackers) torrent.setTrackers(r.trackers);
    if (r.priorities.length === entry.metainfo.files.length && r.priorities.some((p) => p !== 'normal')) {
      torrent.setFilePriorities(r.priorities.map((priority, index) => ({ index, priority })));
    }
    return torrent;
  }

  /** Saves from now on: on a timer, soon after changes, and when asked. Restoring saves nothing. */
  startSaving(live: () => LiveSession): void {
    this.#saves = new SaveScheduler(
      (routine) => this.#snapshot(live()).then((snapshot) => this.#store.save(snapshot, { routine })),
      (err) => this.#onSaveError(err),
    );
  }

  /** Saves shortly, once for a burst of changes. */
  soon(): void {
    this.#saves?.soon();
  }

  /** Saves now; a failure is told to the front ends, not thrown. */
  async now(): Promise<void> {
    await this.#saves?.now();
  }

  /** Saves now, and a failure rejects: for steps that must not go on unsaved. */
  required(): Promise<void> {
    return this.#saves?.required() ?? Promise.resolve();
  }

  /** No more timed saves; the last one is made with `now()`. */
  stop(): void {
    this.#saves?.stop();
  }

  tellAtStart(message: string): void {
    this.#o.log?.(message);
    this.startupNotices.push({ kind: 'error', message });
  }

  /** A move was cut short by the end of the last run: the data is used at the old place and the partial copy removed. */
  async #undoMove(entry: StoredTorrent): Promise<void> {
    const { savePath, movingTo } = entry.record;
    const name = entry.metainfo.name;
    try {
      await undoMove(torrentFilePairs(onDisk(entry.metainfo, entry.record.renamed ?? []), savePath, movingTo!), savePath, movingTo!);
      this.#o.log?.(`${name}: the move to ${movingTo} did not finish; the data stays in ${savePath}`);
    } catch (err) {
      this.tellAtStart(`"${name}" was being moved to ${movingTo} when Shoal stopped; its data stays in ${savePath}, but the partial copy there could not be removed (${reasonOf(err)}).`);
    }
  }

  async #snapshot(live: LiveSession): Promise<SessionSnapshot> {
    const entries: SessionSnapshot['entries'][number][] = [];
    for (const { torrent, waived, forced } of live.torrents) entries.push({ kind: 'torrent', record: await torrentRecord(torrent, waived, forced, live.labels(torrent.infoHash)), metainfo: torrent.metainfo });
    for (const f of live.magnets) entries.push(magnetRecord(f, live.labels(f.infoHash)));
    entries.push(...this.#unrestored);
    return { settings: live.settings, allTime: live.allTime, entries };
  }

  #onSaveError(err: unknown): void {
    const message = `The session could not be saved: ${reasonOf(err)}`;
    this.#o.log?.(message);
    // Every 30 s the same failure would come back; say it once until it changes.
    if (message === this.#lastSaveError) return;
    this.#lastSaveError = message;
    this.#o.notice({ kind: 'error', message, code: isShoalError(err) ? err.code : 'io' });
  }
}

/** Saved settings apply except what this run was given explicitly (command line). */
export function restoredSettings(current: Settings, saved: Partial<Settings>, given: { downloadDir: boolean; listenPort: boolean }): Settings {
  const { downloadDir, listenPort, ...rest } = saved;
  return {
    ...current,
    ...rest,
    ...(downloadDir !== undefined && !given.downloadDir ? { downloadDir } : {}),
    ...(listenPort !== undefined && !given.listenPort ? { listenPort } : {}),
  };
}
