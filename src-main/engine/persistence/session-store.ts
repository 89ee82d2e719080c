import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Settings, TransferTotals } from '../../../src-shared/contract';
import { ShoalError } from '../../../src-shared/errors';
import type { Metainfo } from '../metainfo/metainfo';
import { parseTorrent } from '../metainfo/parse-torrent';
import { readIfExists, setAside, syncFolder, writeFileAtomic } from '../fs/atomic-file';
import { encodeMetainfo } from './metainfo-file';
import { migrateIndex, migrateTorrent } from './migrations';
import { CURRENT_VERSION, savedIndexSchema, savedTorrentSchema, type SavedIndex, type SavedMagnet, type SavedTorrent } from './saved-session';

/**
 * Layout in the state folder:
 *
 *   session.json             settings and the list (queue order; magnets inline)
 *   torrents/<hash>.torrent  the metainfo, written once when the torrent is first saved
 *   torrents/<hash>.json     the torrent's state and resume data
 *
 * One small file per torrent rather than one big session file: a save every 30 s rewrites only
 * the torrents whose state changed (the active ones), not every bitfield of a 1,000-torrent list,
 * and the large, unchanging metainfo is never rewritten. Each file is replaced atomically; the
 * index is written after the torrents it names and before removed torrents' files are deleted.
 *
 * A seeding torrent's seeding time grows every second even when nothing else about it changes.
 * Routine saves (timed, or soon after a change) write a torrent whose only change is that counter
 * at most every `SEEDING_TIME_ONLY_MS`, so idle seeds cost no disk work; a save asked for at
 * once (at exit) writes it. A crash then loses at most that long of seeding time.
 */
export interface StoredTorrent {
  readonly kind: 'torrent';
  readonly record: SavedTorrent;
  readonly metainfo: Metainfo;
}

export type StoredEntry = StoredTorrent | SavedMagnet;

export interface LoadedSession {
  readonly settings: Partial<Settings>;
  readonly entries: StoredEntry[];
  /** Bytes moved by every earlier session (zeros when none were counted). */
  readonly allTime: TransferTotals;
  /** Sentences for the user: what could not be read, and where it was kept. */
  readonly problems: string[];
}

export interface SessionSnapshot {
  readonly settings: Settings;
  /** Absent: none kept (the index then says nothing of them). */
  readonly allTime?: TransferTotals;
  readonly entries: readonly ({ readonly kind: 'torrent'; readonly record: SavedTorrent; readonly metainfo: Metainfo } | SavedMagnet)[];
}

const HASH_FILE = /^([0-9a-f]{40})\.(json|torrent)$/;
/** Torrent files written at once by a save. */
const PARALLEL_WRITES = 8;
/** How long a routine save may leave a torrent whose only change is its seeding time unwritten. */
export const SEEDING_TIME_ONLY_MS = 15 * 60_000;

/**
 * A state file as written, kept as digests (SHA-1) rather than the text: the text is about half a
 * KiB per torrent, twice, for every torrent of the session.
 */
interface Written {
  readonly digest: string;
  /** The record's without its seeding time, to tell a change of that counter alone. */
  readonly restDigest: string;
  readonly at: number;
  /** How many piece layers (BEP 52) the .torrent written holds. */
  readonly layers: number;
}

/** A magnet's piece layers come from peers after its metadata: the .torrent is written again as they do. */
const layerCount = (m: Metainfo): number => m.files.reduce((n, f) => (f.pieceLayer ? n + 1 : n), 0);

export interface SaveOptions {
  /** A timed or debounced save: changes of seeding time alone may wait (see `SEEDING_TIME_ONLY_MS`). */
  readonly routine?: boolean;
  readonly now?: number;
}

export class SessionStore {
  readonly #dir: string;
  readonly #torrentsDir: string;
  /** Each torrent's state file as last read or written, so unchanged ones are not written again. */
  readonly #written = new Map<string, Written>();
  #indexText: string | null = null;

  constructor(dir: string) {
    this.#dir = dir;
    this.#torrentsDir = join(dir, 'torrents');
  }

  /** Reads the saved session. Whatever cannot be read is set aside and named in `problems`. */
  async load(): Promise<LoadedSession> {
    await this.#ensureFolders();
    const problems: string[] = [];
    const indexPath = join(this.#dir, 'session.json');
    const indexBytes = await readIfExists(indexPath);
    let index: SavedIndex | null = null;
    if (indexBytes !== null) {
      try {
        index = savedIndexSchema.parse(migrateIndex(JSON.parse(indexBytes.toString('utf8'))));
      } catch (err) {
        const aside = await setAside(indexPath);
        problems.push(`The saved session list could not be read (${reason(err)}); it was kept as ${aside}, and the torrents found beside it were restored without their order or settings.`);
      }
    }
    const names = await readdir(this.#torrentsDir);
    const onDisk = new Set(names.flatMap((n) => HASH_FILE.exec(n)?.[1] ?? []));
    const order: SavedIndex['torrents'] = index?.torrents ?? [...onDisk].sort().map((infoHash) => ({ kind: 'torrent' as const, infoHash }));
    const entries: StoredEntry[] = [];
    for (const item of order) {
      if (item.kind === 'magnet') {
        entries.push(item);
        continue;
      }
      onDisk.delete(item.infoHash);
      const loaded = await this.#loadTorrent(item.infoHash).catch((err: unknown) => {
        problems.push(reason(err));
        return null;
      });
      if (loaded) entries.push(loaded);
    }
    // Files the list does not name belong to torrents removed just before a crash.
    if (index !== null) for (const hash of onDisk) await this.#removeFiles(hash);
    return { settings: index?.settings ?? {}, entries, allTime: index?.allTime ?? { downloaded: 0, uploaded: 0 }, problems };
  }

  /**
   * Writes what changed since the last save. Never runs two at once: the caller serializes.
   * Torrents' files are written a few at a time and their folder synced once, so saving thousands
   * of new torrents is not one fsync after another; the index, written after, names only torrents
   * whose files are durable.
   */
  async save(snapshot: SessionSnapshot, options: SaveOptions = {}): Promise<void> {
    await this.#ensureFolders();
    const now = options.now ?? Date.now();
    const keep = new Set<string>();
    const writes: (() => Promise<void>)[] = [];
    for (const entry of snapshot.entries) {
      if (entry.kind !== 'torrent') continue;
      const hash = entry.record.infoHash;
      keep.add(hash);
      const text = JSON.stringify(entry.record);
      const digest = digestOf(text);
      const last = this.#written.get(hash);
      const layers = layerCount(entry.metainfo);
      const torrentStale = last === undefined || layers > last.layers;
      if (!torrentStale && last.digest === digest) continue;
      const rest = digestOf(withoutSeedingTime(text));
      if (!torrentStale && options.routine && last.restDigest === rest && now - last.at < SEEDING_TIME_ONLY_MS) continue;
      writes.push(async () => {
        if (torrentStale) await writeFileAtomic(this.#path(hash, 'torrent'), encodeMetainfo(entry.metainfo), { syncFolder: false });
        await writeFileAtomic(this.#path(hash, 'json'), text, { syncFolder: false });
        this.#written.set(hash, { digest, restDigest: rest, at: now, layers });
      });
    }
    if (writes.length > 0) {
      await inParallel(writes, PARALLEL_WRITES);
      await syncFolder(this.#torrentsDir);
    }
    const index: SavedIndex = {
      version: CURRENT_VERSION,
      settings: snapshot.settings,
      ...(snapshot.allTime ? { allTime: snapshot.allTime } : {}),
      torrents: snapshot.entries.map((e) => (e.kind === 'torrent' ? { kind: 'torrent' as const, infoHash: e.record.infoHash } : e)),
    };
    const indexText = JSON.stringify(index);
    if (indexText !== this.#indexText) {
      await writeFileAtomic(join(this.#dir, 'session.json'), indexText);
      this.#indexText = indexText;
    }
    for (const hash of [...this.#written.keys()]) if (!keep.has(hash)) await this.#removeFiles(hash);
  }

  async #loadTorrent(hash: string): Promise<StoredTorrent> {
    const statePath = this.#path(hash, 'json');
    const torrentPath = this.#path(hash, 'torrent');
    const [stateBytes, torrentBytes] = await Promise.all([readIfExists(statePath), readIfExists(torrentPath)]);
    if (stateBytes === null || torrentBytes === null) {
      throw new ShoalError('not-found', `The saved torrent ${hash} could not be restored: ${stateBytes === null ? statePath : torrentPath} is missing.`);
    }
    let record: SavedTorrent;
    let metainfo: Metainfo;
    try {
      record = savedTorrentSchema.parse(migrateTorrent(JSON.parse(stateBytes.toString('utf8'))));
      if (record.infoHash !== hash) throw new ShoalError('invalid-input', `it describes ${record.infoHash}`);
    } catch (err) {
      throw new ShoalError('invalid-input', `The saved torrent ${hash} could not be restored (${reason(err)}); its state was kept as ${await setAside(statePath)}.`);
    }
    try {
      // A torrent from a magnet may be saved before peers sent all its piece layers (BEP 52).
      metainfo = parseTorrent(torrentBytes, { pieceLayersLater: true });
      if (metainfo.infoHashHex !== hash) throw new ShoalError('invalid-torrent', `it is the torrent ${metainfo.infoHashHex}`);
    } catch (err) {
      throw new ShoalError('invalid-torrent', `The saved torrent ${hash} could not be restored (${reason(err)}); its .torrent was kept as ${await setAside(torrentPath)}.`);
    }
    const text = JSON.stringify(record);
    this.#written.set(hash, { digest: digestOf(text), restDigest: digestOf(withoutSeedingTime(text)), at: Date.now(), layers: layerCount(metainfo) });
    return { kind: 'torrent', record, metainfo };
  }

  async #removeFiles(hash: string): Promise<void> {
    this.#written.delete(hash);
    await rm(this.#path(hash, 'json'), { force: true });
    await rm(this.#path(hash, 'torrent'), { force: true });
    await syncFolder(this.#torrentsDir);
  }

  #path(hash: string, ext: 'json' | 'torrent'): string {
    return join(this.#torrentsDir, `${hash}.${ext}`);
  }

  async #ensureFolders(): Promise<void> {
    await mkdir(this.#torrentsDir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      throw new ShoalError(err.code === 'EACCES' || err.code === 'EPERM' ? 'permission-denied' : 'io', `cannot use the state folder ${this.#dir}: ${err.code ?? err.message}`);
    });
  }
}

/** Runs `tasks` with at most `limit` at once; the first failure rejects once those running have ended. */
async function inParallel(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < tasks.length && failure === undefined) {
      const task = tasks[next++]!;
      await task().catch((error: unknown) => {
        failure ??= { error };
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failure) throw failure.error;
}

/**
 * A record's JSON with its seeding time as 0, to tell a change of that counter alone. Edited in
 * the text (every seed, every save): the key is the record's own, and inside JSON strings a quote
 * is always escaped, so the pattern cannot match there.
 */
function digestOf(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

function withoutSeedingTime(text: string): string {
  return text.replace(/"seedingSeconds":[^,}]*/, '"seedingSeconds":0');
}

function reason(err: unknown): string {
  if (err instanceof SyntaxError) return 'it is not valid JSON';
  if (err instanceof Error && 'issues' in err && Array.isArray(err.issues)) {
    const issue = err.issues[0] as { path?: unknown[]; message?: string } | undefined;
    return `${issue?.path?.join('.') || 'a value'}: ${issue?.message ?? 'invalid'}`;
  }
  return err instanceof Error ? err.message.replace(/\.$/, '') : String(err);
}
