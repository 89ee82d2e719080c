import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ShoalError } from '../../../src-shared/errors';
import type { SourceFile } from './file-list';
import { fileError } from '../fs/file-errors';
import { pieceHashWorker, type HashJob, type HashResult, type HashWorkerData } from './piece-hash-worker';

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
  options.signal?.throwIfAborted();
  const total = files.reduce((sum, f) => sum + f.length, 0);
  const pieceCount = Math.ceil(total / pieceLength);
  const out = new Uint8Array(pieceCount * 20);
  const perJob = Math.max(1, Math.floor(jobBytes / pieceLength));
  const jobCount = Math.ceil(pieceCount / perJob);
  const threads = Math.max(1, Math.min(availableParallelism(), maxThreads, jobCount));
  const workerData: HashWorkerData = { files: files.map((f) => ({ absolute: f.absolute, length: f.length })), pieceLength };
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
        const first = nextJob++ * perJob;
        const job: HashJob = { first, count: Math.min(perJob, pieceCount - first) };
        worker.postMessage(job);
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
          out.set(result.hashes, 20 * result.first);
          hashed += Math.min(total, (result.first + result.hashes.length / 20) * pieceLength) - result.first * pieceLength;
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
  return out;
}
