import { constants, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ShoalError } from '../../../src-shared/errors';
import { syncFolder } from '../fs/atomic-file';
import { errnoCode, fileError } from '../fs/file-errors';
import type { Metainfo } from '../metainfo/metainfo';
import { filePaths, isInside, partsPath } from './paths';
import { SafeOpener } from './safe-open';

/** One of the torrent's files (or its parts file): where it is and where it goes. */
export interface FilePair {
  readonly from: string;
  readonly to: string;
}

/** The slice of a file handle a copy writes through. */
export interface CopyTarget {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The file operations a move makes; tests inject failures (EXDEV, EACCES, ENOSPC). */
export interface MoveOps {
  rename(from: string, to: string): Promise<void>;
  open(file: string, flags: number, mode: number): Promise<CopyTarget>;
}

export const fileMoveOps: MoveOps = {
  rename: (from, to) => fs.rename(from, to),
  open: (file, flags, mode) => fs.open(file, flags, mode),
};

export interface MoveOptions {
  /** Absolute paths, `from` below `fromDir` and `to` below `toDir`; files missing at `from` are left out. */
  readonly files: readonly FilePair[];
  readonly fromDir: string;
  readonly toDir: string;
  /** Bytes moved of the total, after each file renamed and each chunk copied. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  readonly ops?: MoveOps;
}

/** A move whose files are all at the new place; the old copies are still there until `commit`. */
export interface MovedFiles {
  /** Deletes the sources of copied files and the folders the move emptied. Call once the new place is saved. */
  commit(): Promise<void>;
}

/** Every file the torrent may have in `fromDir` (its parts file included, pad files never made), paired with its place in `toDir`. */
export function torrentFilePairs(metainfo: Metainfo, fromDir: string, toDir: string): FilePair[] {
  const to = filePaths(metainfo, toDir);
  const pairs = filePaths(metainfo, fromDir).flatMap((from, i) => (metainfo.files[i]!.pad ? [] : [{ from, to: to[i]! }]));
  pairs.push({ from: partsPath(metainfo, fromDir), to: partsPath(metainfo, toDir) });
  return pairs;
}

const COPY_CHUNK = 1024 * 1024;
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Moves a torrent's files to another folder, keeping their layout: a rename where both folders
 * are on one file system, otherwise a copy that is synced to disk before anything is deleted.
 * Nothing is written outside `toDir` (folders are made and checked as storage makes them) and no
 * existing file there is replaced: a destination that already holds one of the files is refused
 * before anything moves. Any failure (or an abort) puts back what had moved, so the data stays
 * whole at the old place, and rejects with a ShoalError.
 */
export async function moveFiles(o: MoveOptions): Promise<MovedFiles> {
  const ops = o.ops ?? fileMoveOps;
  const present: { pair: FilePair; size: number }[] = [];
  for (const pair of o.files) {
    check(o.fromDir, pair.from);
    check(o.toDir, pair.to);
    const stats = await lstatOrUndefined(pair.from);
    if (stats?.isFile()) present.push({ pair, size: stats.size });
  }
  for (const { pair } of present) {
    if (await lstatOrUndefined(pair.to)) throw new ShoalError('already-exists', `the new folder already holds ${pair.to}; nothing was moved`);
  }
  const total = present.reduce((sum, f) => sum + f.size, 0);
  let done = 0;
  o.onProgress?.(0, total);
  const opener = new SafeOpener(o.toDir);
  const moved: { pair: FilePair; at: string; copied: boolean }[] = [];
  try {
    for (const { pair, size } of present) {
      o.signal?.throwIfAborted();
      const at = await opener.pathFor(pair.to);
      try {
        await ops.rename(pair.from, at);
        moved.push({ pair, at, copied: false });
      } catch (err) {
        // Another file system: copy instead. Recorded first, so a copy cut short is removed.
        if (errnoCode(err) !== 'EXDEV') throw fileError(err, 'creating', pair.to);
        moved.push({ pair, at, copied: true });
        await copy(pair.from, at, o.fromDir, ops, (bytes) => o.onProgress?.((done += bytes), total), o.signal);
        continue;
      }
      o.onProgress?.((done += size), total);
    }
    // The new directory entries must be on disk before the new place is saved and sources go.
    for (const dir of new Set(moved.map((m) => path.dirname(m.at)))) await syncFolder(dir);
  } catch (err) {
    await putBack(moved, ops);
    // Folders made for the file that failed are removed too.
    await removeEmptyFolders(
      present.map((f) => f.pair.to),
      o.toDir,
    ).catch(() => undefined);
    throw err instanceof ShoalError ? err : o.signal?.aborted ? new ShoalError('internal', 'the move was stopped') : fileError(err, 'creating', o.toDir);
  }
  return {
    commit: async () => {
      for (const m of moved) if (m.copied) await fs.rm(m.pair.from, { force: true });
      await removeEmptyFolders(
        moved.map((m) => m.pair.from),
        o.fromDir,
      );
    },
  };
}

/**
 * After a restart with a move left unfinished: files that were renamed to the new place go back,
 * copies there (whose sources are still at the old place) are deleted, and the folders the move
 * made are removed while empty. Only the torrent's own paths are touched.
 */
export async function undoMove(files: readonly FilePair[], fromDir: string, toDir: string): Promise<void> {
  for (const pair of files) {
    check(fromDir, pair.from);
    check(toDir, pair.to);
    if (!(await lstatOrUndefined(pair.to))?.isFile()) continue;
    try {
      if (await lstatOrUndefined(pair.from)) await fs.rm(pair.to, { force: true });
      else {
        await fs.mkdir(path.dirname(pair.from), { recursive: true });
        await fs.rename(pair.to, pair.from);
      }
    } catch (err) {
      throw fileError(err, 'opening', pair.to);
    }
  }
  await removeEmptyFolders(
    files.map((f) => f.to),
    toDir,
  );
}

async function copy(from: string, to: string, fromDir: string, ops: MoveOps, progress: (bytes: number) => void, signal: AbortSignal | undefined): Promise<void> {
  const source = await new SafeOpener(fromDir).open(from, false);
  if (source === undefined) throw new ShoalError('io', `${from} vanished while it was being moved`);
  let target: CopyTarget | undefined;
  try {
    target = await ops.open(to, NEW_FILE, 0o666).catch((err: unknown) => {
      throw fileError(err, 'creating', to);
    });
    const buffer = Buffer.allocUnsafe(COPY_CHUNK);
    for (let position = 0; ; ) {
      signal?.throwIfAborted();
      const { bytesRead } = await source.read(buffer, 0, buffer.length, position).catch((err: unknown) => {
        throw fileError(err, 'reading', from);
      });
      if (bytesRead === 0) break;
      for (let written = 0; written < bytesRead; ) {
        const { bytesWritten } = await target.write(buffer, written, bytesRead - written, position + written).catch((err: unknown) => {
          throw fileError(err, 'writing', to);
        });
        written += bytesWritten;
      }
      position += bytesRead;
      progress(bytesRead);
    }
    await target.sync().catch((err: unknown) => {
      throw fileError(err, 'writing', to);
    });
  } finally {
    await source.close();
    await target?.close().catch(() => undefined);
  }
}

/** Undoes a move cut short: renamed files go back, copies are deleted; best effort, every file tried. */
async function putBack(moved: readonly { pair: FilePair; at: string; copied: boolean }[], ops: MoveOps): Promise<void> {
  for (const m of [...moved].reverse()) {
    if (m.copied) await fs.rm(m.at, { force: true }).catch(() => undefined);
    else await ops.rename(m.at, m.pair.from).catch(() => undefined);
  }
}

/** Removes the folders holding `files`, deepest first, while empty and strictly inside `root`. */
async function removeEmptyFolders(files: readonly string[], root: string): Promise<void> {
  const top = path.resolve(root);
  const dirs = new Set<string>();
  for (const file of files) for (let d = path.dirname(file); isInside(top, d); d = path.dirname(d)) dirs.add(d);
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) await fs.rmdir(dir).catch(() => undefined);
}

function check(root: string, file: string): void {
  if (!isInside(path.resolve(root), file)) throw new ShoalError('invalid-input', `refusing to move ${file}: it is outside ${root}`);
}

async function lstatOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw fileError(err, 'opening', file);
  }
}
