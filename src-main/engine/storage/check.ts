import { Bitfield } from '../../../src-shared/bitfield';
import type { Metainfo } from '../metainfo/metainfo';
import { HashWorkers, pieceJobs } from '../metainfo/hash-workers';
import type { HashJob, HashWorkerData, JobResult } from '../metainfo/piece-hash-worker';
import { hashBytes } from '../merkle';
import { PieceLayout } from './layout';
import type { MerklePieces } from './merkle-pieces';
import { pieceHashesOf, type PieceHashes } from './piece-hash';
import { filePaths } from './paths';
import { openFile, SafeOpener, type OpenFile } from './safe-open';
import { TorrentFiles } from './torrent-files';

/** Called after each piece is decided: `done` of `total` pieces checked. */
export type CheckProgress = (done: number, total: number) => void;

/** Present data from this size on is hashed by worker threads (a thread's start costs more than hashing less). */
const WORKERS_FROM_BYTES = 32 * 1024 * 1024;
/** Files opened at once for the workers at most; torrents with more are hashed a batch of files at a time. */
const MAX_WORKER_FILES = 256;
/** A check runs on the hash workers now; others meanwhile hash on this thread, as before the workers. */
let workersBusy = false;

/** Sequential read size: large enough for full disk speed, small enough for the memory budget. */
const CHECK_CHUNK = 4 * 1024 * 1024;

/**
 * Which pieces of `metainfo` are already in `downloadDir` with the right hash (startup, recheck,
 * `shoal seed`). Missing or short files make their pieces missing, not an error. Present data is
 * read sequentially in large chunks, the next chunk read while the current one is hashed.
 */
export async function checkPieces(
  metainfo: Metainfo,
  downloadDir: string,
  onProgress?: CheckProgress,
  signal?: AbortSignal,
  open: OpenFile = openFile,
): Promise<Bitfield> {
  const layout = new PieceLayout(metainfo);
  const files = new TorrentFiles(layout, filePaths(metainfo, downloadDir), new SafeOpener(downloadDir, open), 16);
  try {
    const { hashes, merkle } = pieceHashesOf(metainfo, layout);
    return await checkFiles(layout, files, hashes, onProgress, signal, undefined, { sha1: metainfo.pieceHashes, merkle });
  } finally {
    await files.close();
  }
}

/** What hash workers check pieces against: `pieces` (v1 and hybrid; empty for v2) and the files' trees (v2 and hybrid). */
export interface PieceTargets {
  readonly sha1: Uint8Array;
  readonly merkle: MerklePieces | undefined;
}

/**
 * `checkPieces` over an already open torrent's files. With `only`, just the pieces marked 1 there
 * are read (fast resume); the others come back unset. With `targets` and enough data, hash
 * workers on every core read and hash it, as creating a torrent does.
 */
export async function checkFiles(
  layout: PieceLayout,
  files: TorrentFiles,
  hashes: PieceHashes,
  onProgress?: CheckProgress,
  signal?: AbortSignal,
  only?: Uint8Array,
  targets?: PieceTargets,
): Promise<Bitfield> {
  const have = new Bitfield(layout.pieceCount);
  const absent = await absentPieces(layout, files, signal);
  if (only) for (let i = 0; i < layout.pieceCount; i++) if (only[i] !== 1) absent[i] = 1;
  const runs: HashJob[] = [];
  for (let piece = 0; piece < layout.pieceCount; piece++) {
    if (absent[piece] === 1) continue;
    const last = runs.at(-1);
    if (last && last.first + last.count === piece) runs[runs.length - 1] = { first: last.first, count: last.count + 1 };
    else runs.push({ first: piece, count: 1 });
  }
  let done = 0;
  const pieceDone = (): void => onProgress?.(++done, layout.pieceCount);
  const present = runs.reduce((sum, r) => sum + r.count, 0);
  if (targets && present * layout.pieceLength >= WORKERS_FROM_BYTES && (await hashInWorkers(layout, files, targets, runs, have, signal, pieceDone))) {
    for (let i = present; i < layout.pieceCount; i++) pieceDone();
    return have;
  }
  for (let piece = 0; piece < layout.pieceCount; piece++) {
    if (absent[piece] === 1) pieceDone();
  }
  for (const run of runs) {
    signal?.throwIfAborted();
    await hashRun(layout, files, hashes, run.first, run.first + run.count - 1, have, signal, pieceDone);
  }
  return have;
}

/**
 * Hashes `runs` in worker threads reading the files by descriptor, a batch of at most
 * `MAX_WORKER_FILES` open files at a time; false when the files cannot be handed over (skipped
 * files, a piece across more files than a batch holds, a v2 layout with pieces of padding only),
 * and then nothing was marked or counted.
 */
async function hashInWorkers(layout: PieceLayout, files: TorrentFiles, targets: PieceTargets, runs: readonly HashJob[], have: Bitfield, signal: AbortSignal | undefined, pieceDone: () => void): Promise<boolean> {
  const { sha1, merkle } = targets;
  if (merkle && !alignedToFiles(layout)) return false;
  const batches = fileBatches(layout, runs, MAX_WORKER_FILES);
  if (!batches) return false;
  // One check on the workers at a time in the process: they already fill every core, and a
  // hundred torrents rechecked at once must not start two hundred threads.
  if (workersBusy) return false;
  workersBusy = true;
  try {
    const kind: HashWorkerData['layout'] = !merkle ? 'v1' : sha1.length > 0 ? 'hybrid' : 'v2';
    const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;
    const decide = (result: JobResult, i: number): boolean => {
      const piece = result.first + i;
      if (sha1.length > 0 && !same(result.hashes.subarray(20 * i, 20 * i + 20), sha1.subarray(20 * piece, 20 * piece + 20))) return false;
      if (!merkle) return true;
      // A hybrid piece whose file's piece layer is not known yet (a magnet's) passes on its SHA-1.
      const expected = merkle.expected(piece);
      return expected ? same(result.nodes.subarray(hashBytes * i, hashBytes * (i + 1)), expected) : kind === 'hybrid';
    };
    const take = (result: JobResult): void => {
      const count = merkle ? result.nodes.length / hashBytes : result.hashes.length / 20;
      for (let i = 0; i < count; i++) {
        if (decide(result, i)) have.set(result.first + i);
        pieceDone();
      }
    };
    const open = (batch: FileBatch) => files.openForHashing(batch.firstFile, batch.endFile);
    // The first batch's files are opened before any thread starts: a torrent that cannot be handed over starts none.
    let opened = await open(batches[0]!);
    if (!opened) return false;
    const workers = new HashWorkers(batches.reduce((sum, b) => sum + pieceJobs(b.runs, layout.pieceLength).length, 0));
    let next: ReturnType<typeof open> | undefined;
    try {
      for (let i = 0; i < batches.length; i++) {
        // Only a file skipped meanwhile makes a batch's files unavailable; the check then fails.
        if (!opened) throw new Error('the files could not be handed to the hash workers');
        // The next batch's files open while this one is hashed (at most two batches open).
        next = i + 1 < batches.length ? open(batches[i + 1]!) : undefined;
        next?.catch(() => undefined); // awaited below, or closed in the finally
        try {
          await workers.run({ files: opened.files, pieceLength: layout.pieceLength, layout: kind }, batches[i]!.runs, 0, signal ? { signal } : {}, take);
        } finally {
          await opened.close();
        }
        opened = await next;
        next = undefined;
      }
    } finally {
      await next?.then((o) => o?.close(), () => undefined);
      await workers.close();
    }
    return true;
  } finally {
    workersBusy = false;
  }
}

interface FileBatch {
  readonly firstFile: number;
  readonly endFile: number;
  readonly runs: HashJob[];
}

/**
 * `runs` cut into batches whose pieces touch at most `maxFiles` files with data (pads and empty
 * files need no descriptor), each with the range of files it reads; undefined when one piece
 * alone touches more.
 */
function fileBatches(layout: PieceLayout, runs: readonly HashJob[], maxFiles: number): FileBatch[] | undefined {
  // Files with data before each file: how many descriptors a range of files needs.
  const before = new Uint32Array(layout.fileCount + 1);
  for (let f = 0; f < layout.fileCount; f++) before[f + 1] = before[f]! + (layout.isPad(f) || layout.fileLength(f) === 0 ? 0 : 1);
  const filesOf = (piece: number): [number, number] => [layout.fileAt(layout.pieceOffset(piece)), layout.fileAt(layout.pieceOffset(piece) + layout.pieceSize(piece) - 1) + 1];
  const out: FileBatch[] = [];
  let batch: { firstFile: number; endFile: number; runs: HashJob[] } | undefined;
  for (const run of runs) {
    for (let piece = run.first; piece < run.first + run.count; piece++) {
      const [first, end] = filesOf(piece);
      if (before[end]! - before[first]! > maxFiles) return undefined;
      if (batch && before[Math.max(end, batch.endFile)]! - before[batch.firstFile]! <= maxFiles) {
        batch.endFile = Math.max(end, batch.endFile);
        const last = batch.runs.at(-1)!;
        if (last.first + last.count === piece) batch.runs[batch.runs.length - 1] = { first: last.first, count: last.count + 1 };
        else batch.runs.push({ first: piece, count: 1 });
        continue;
      }
      batch = { firstFile: first, endFile: end, runs: [{ first: piece, count: 1 }] };
      out.push(batch);
    }
  }
  return out;
}

/**
 * Whether each piece lies in one file that starts it (BEP 52) with the pads between filling
 * exactly to the next piece, as the workers' v2 layout counts pieces; a torrent with a piece of
 * padding alone is checked here instead.
 */
function alignedToFiles(layout: PieceLayout): boolean {
  let pieces = 0;
  for (let file = 0; file < layout.fileCount; file++) {
    const length = layout.fileLength(file);
    if (layout.isPad(file) || length === 0) continue;
    if (layout.fileStart(file) !== pieces * layout.pieceLength) return false;
    pieces += Math.ceil(length / layout.pieceLength);
  }
  return pieces === layout.pieceCount;
}

/** Marks (1) every piece that touches bytes missing from disk, so they are never read. */
async function absentPieces(layout: PieceLayout, files: TorrentFiles, signal?: AbortSignal): Promise<Uint8Array> {
  const absent = new Uint8Array(layout.pieceCount);
  // Which files are skipped decides where their bytes are looked for.
  await files.settled();
  for (let file = 0; file < layout.fileCount; file++) {
    signal?.throwIfAborted();
    await files.markAbsent(file, absent);
  }
  return absent;
}

/** Hashes pieces `first..last` (all present on disk) as one sequential stream. */
async function hashRun(
  layout: PieceLayout,
  files: TorrentFiles,
  hashes: PieceHashes,
  first: number,
  last: number,
  have: Bitfield,
  signal: AbortSignal | undefined,
  pieceDone: () => void,
): Promise<void> {
  const end = layout.pieceOffset(last) + layout.pieceSize(last);
  let pos = layout.pieceOffset(first);
  const size = Math.min(CHECK_CHUNK, end - pos);
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)] as const;
  const readAt = (at: number, i: 0 | 1): Promise<Buffer> => {
    const chunk = buffers[i].subarray(0, Math.min(size, end - at));
    const read = files.read(at, chunk).then(() => chunk);
    // Awaited on the next turn; if a progress callback throws first, its failure must not go unhandled.
    read.catch(() => undefined);
    return read;
  };
  let piece = first;
  let pieceEnd = layout.pieceOffset(piece) + layout.pieceSize(piece);
  let hash = hashes.start(piece);
  let which: 0 | 1 = 0;
  let next = readAt(pos, which);
  while (pos < end) {
    const chunk = await next;
    const chunkEnd = pos + chunk.length;
    signal?.throwIfAborted();
    // Start reading the following chunk into the other buffer before hashing this one.
    which = which === 0 ? 1 : 0;
    if (chunkEnd < end) next = readAt(chunkEnd, which);
    let at = pos;
    while (at < chunkEnd) {
      const take = Math.min(chunkEnd, pieceEnd) - at;
      hash.update(chunk.subarray(at - pos, at - pos + take));
      at += take;
      if (at === pieceEnd) {
        if (hash.matches()) have.set(piece);
        pieceDone();
        piece++;
        if (piece <= last) {
          hash = hashes.start(piece);
          pieceEnd = layout.pieceOffset(piece) + layout.pieceSize(piece);
        }
      }
    }
    pos = chunkEnd;
  }
}
