import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ShoalError } from '../../../src-shared/errors';
import { hashBytes, rootFromPieceLayer } from '../merkle';
import type { SourceFile } from './file-list';
import { fileError } from '../fs/file-errors';
import { pieceHashWorker, type HashJob, type HashResult, type HashWorkerData, type JobResult } from './piece-hash-worker';

export interface HashOptions {
  /** Called as work completes with the bytes hashed so far. */
  readonly onProgress?: (hashed: number, total: number) => void;
  readonly signal?: AbortSignal;
}

// Big enough that handing out jobs costs nothing, small enough that all threads finish together.
const jobBytes = 16 * 1024 * 1024;
const maxThreads = 4;
const workerSource = `(${pieceHashWorker.toString()})()`;

/**
 * SHA-1 of every piece of the byte stream the files form, concatenated (BEP 3 `pieces`).
 * One SHA-1 stream is no faster than one core, so pieces are hashed by worker threads (one per
 * core), each reading its own pieces straight from the files; jobs go to whichever is free.
 */
export async function hashPieces(files: readonly SourceFile[], pieceLength: number, options: HashOptions = {}): Promise<Uint8Array> {
  const total = files.reduce((sum, f) => sum + f.length, 0);
  const pieceCount = Math.ceil(total / pieceLength);
  const out = new Uint8Array(pieceCount * 20);
  await runHashJobs({ files: files.map((f) => ({ absolute: f.absolute, length: f.length })), pieceLength, layout: 'v1' }, pieceJobs([{ first: 0, count: pieceCount }], pieceLength), total, options, (result) => out.set(result.hashes, 20 * result.first));
  return out;
}

/** What BEP 52 needs of each file: its Merkle root and, when longer than a piece, its piece layer. */
export interface FileTreeHashes {
  /** Undefined for an empty file. */
  readonly piecesRoot: Uint8Array | undefined;
  readonly pieceLayer: Uint8Array | undefined;
}

/**
 * The hashes of a v2 torrent (or, with `hybrid`, of both halves of a hybrid) in one read of the
 * data: each file's tree from SHA-256 leaves of its 16 KiB blocks, and for a hybrid the SHA-1 of
 * each piece of the v1 stream, where `padded` puts zeros after each file up to a piece boundary
 * (a multi-file hybrid's pad files). Workers fold each piece's leaves into its node, so only
 * 32 bytes per piece come back.
 */
export async function hashFileTrees(
  files: readonly SourceFile[],
  pieceLength: number,
  hybrid: boolean,
  padded: boolean,
  options: HashOptions = {},
): Promise<{ files: FileTreeHashes[]; pieces: Uint8Array }> {
  const firstPiece: number[] = [];
  let pieceCount = 0;
  const workerFiles: HashWorkerData['files'][number][] = [];
  for (const f of files) {
    firstPiece.push(pieceCount);
    pieceCount += Math.ceil(f.length / pieceLength);
    workerFiles.push({ absolute: f.absolute, length: f.length });
    const gap = (pieceLength - (f.length % pieceLength)) % pieceLength;
    if (hybrid && padded && gap > 0) workerFiles.push({ absolute: '.pad', length: gap, pad: true });
  }
  const roots: (Uint8Array | undefined)[] = files.map(() => undefined);
  const layers = files.map((f) => (f.length > pieceLength ? new Uint8Array(hashBytes * Math.ceil(f.length / pieceLength)) : undefined));
  const pieces = new Uint8Array(hybrid ? 20 * pieceCount : 0);
  const total = files.reduce((sum, f) => sum + f.length, 0);
  const data: HashWorkerData = { files: workerFiles, pieceLength, layout: hybrid ? 'hybrid' : 'v2' };
  await runHashJobs(data, pieceJobs([{ first: 0, count: pieceCount }], pieceLength), total, options, (result) => {
    if (hybrid) pieces.set(result.hashes, 20 * result.first);
    let index = 0;
    for (let i = 0; i < result.nodes.length / hashBytes; i++) {
      const piece = result.first + i;
      while (index + 1 < files.length && firstPiece[index + 1]! <= piece) index++;
      const node = result.nodes.slice(hashBytes * i, hashBytes * (i + 1));
      const layer = layers[index];
      if (layer) layer.set(node, hashBytes * (piece - firstPiece[index]!));
      else roots[index] = node;
    }
  });
  return {
    pieces,
    files: files.map((_, i) => {
      const layer = layers[i];
      return { piecesRoot: layer ? rootFromPieceLayer(layer, pieceLength) : roots[i], pieceLayer: layer };
    }),
  };
}

/**
 * The hashes of each piece in `runs` as `data.layout` says (v1: SHA-1s; v2: Merkle nodes; hybrid:
 * both), hashed by worker threads reading the files `data` names (by descriptor or path): a
 * recheck uses both cores as creating a torrent does. `take` gets each job's hashes as it
 * completes (`first` is the job's first piece).
 */
export async function hashPieceRuns(data: HashWorkerData, runs: readonly HashJob[], options: HashOptions, take: (result: JobResult) => void): Promise<void> {
  const bytes = runs.reduce((sum, r) => sum + r.count * data.pieceLength, 0);
  await runHashJobs(data, pieceJobs(runs, data.pieceLength), bytes, options, take);
}

/** `runs` of pieces cut into jobs of about `jobBytes`. */
function pieceJobs(runs: readonly HashJob[], pieceLength: number): HashJob[] {
  const perJob = Math.max(1, Math.floor(jobBytes / pieceLength));
  const jobs: HashJob[] = [];
  for (const run of runs) {
    for (let first = run.first; first < run.first + run.count; first += perJob) jobs.push({ first, count: Math.min(perJob, run.first + run.count - first) });
  }
  return jobs;
}

/** Hands the jobs to one worker per core (whichever is free) and passes each result on. */
async function runHashJobs(workerData: HashWorkerData, jobs: readonly HashJob[], total: number, options: HashOptions, take: (result: JobResult) => void): Promise<void> {
  options.signal?.throwIfAborted();
  const jobCount = jobs.length;
  if (jobCount === 0) return;
  const threads = Math.max(1, Math.min(availableParallelism(), maxThreads, jobCount));
  const workers = Array.from({ length: threads }, () => new Worker(workerSource, { eval: true, workerData }));
  let onAbort: (() => void) | undefined;

  try {
    await new Promise<void>((resolve, reject) => {
      let nextJob = 0;
      let finished = 0;
      let hashed = 0;
      onAbort = () => reject(options.signal!.reason);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const give = (worker: Worker): void => {
        if (nextJob >= jobCount) return;
        worker.postMessage(jobs[nextJob++]);
      };
      for (const worker of workers) {
        worker.on('error', reject);
        // Only reachable if a worker dies some other way; without it the promise would never settle.
        worker.on('exit', (code) => reject(new Error(`a piece-hashing worker exited early (code ${code})`)));
        worker.on('message', (result: HashResult) => {
          if ('error' in result) {
            const { code, path } = result.error;
            reject(code === 'SHRANK' ? new ShoalError('io', `'${path}' became shorter while it was being hashed.`) : fileError({ code }, 'reading', path));
            return;
          }
          try {
            take(result);
          } catch (err) {
            reject(err);
            return;
          }
          hashed += result.bytes;
          options.onProgress?.(hashed, total);
          if (++finished === jobCount) resolve();
          else give(worker);
        });
        give(worker);
      }
    });
  } finally {
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
