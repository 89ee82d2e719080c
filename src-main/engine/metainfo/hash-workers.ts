import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ShoalError } from '../../../src-shared/errors';
import { fileError } from '../fs/file-errors';
import { pieceHashWorker, type HashJob, type HashMessage, type HashResult, type HashWorkerData, type JobResult } from './piece-hash-worker';

export interface HashOptions {
  /** Called as work completes with the bytes hashed so far. */
  readonly onProgress?: (hashed: number, total: number) => void;
  readonly signal?: AbortSignal;
}

// Big enough that handing out jobs costs nothing, small enough that all threads finish together.
const jobBytes = 16 * 1024 * 1024;
const maxThreads = 4;
const workerSource = `(${pieceHashWorker.toString()})()`;

/** `runs` of pieces cut into jobs of about `jobBytes`. */
export function pieceJobs(runs: readonly HashJob[], pieceLength: number): HashJob[] {
  const perJob = Math.max(1, Math.floor(jobBytes / pieceLength));
  const jobs: HashJob[] = [];
  for (const run of runs) {
    for (let first = run.first; first < run.first + run.count; first += perJob) jobs.push({ first, count: Math.min(perJob, run.first + run.count - first) });
  }
  return jobs;
}

/**
 * Piece-hashing worker threads, one per core (at most four, no more than there are jobs), each
 * reading its own pieces straight from the files. They run one set of jobs at a time and can be
 * given another set of files between them, so a check of many files opens them a batch at a time
 * without starting threads again. A failed or aborted run leaves them unusable: close them.
 */
export class HashWorkers {
  readonly #workers: Worker[];
  #broken = false;

  constructor(jobCount: number) {
    const threads = Math.max(1, Math.min(availableParallelism(), maxThreads, jobCount));
    this.#workers = Array.from({ length: threads }, () => new Worker(workerSource, { eval: true }));
    // Between runs no run listens: a worker's error then must not go unhandled, only end their use.
    for (const worker of this.#workers) worker.on('error', () => (this.#broken = true));
  }

  /**
   * Hashes `runs` of pieces of `table`'s files, jobs going to whichever worker is free, and passes
   * each job's result to `take` (`first` is the job's first piece). `total` is what progress counts up to.
   */
  async run(table: HashWorkerData, runs: readonly HashJob[], total: number, options: HashOptions, take: (result: JobResult) => void): Promise<void> {
    if (this.#broken) throw new Error('these hash workers failed before');
    options.signal?.throwIfAborted();
    const jobs = pieceJobs(runs, table.pieceLength);
    if (jobs.length === 0) return;
    const cleanups: (() => void)[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (err: unknown): void => {
          this.#broken = true;
          reject(err);
        };
        let nextJob = 0;
        let finished = 0;
        let hashed = 0;
        const onAbort = (): void => fail(options.signal!.reason);
        options.signal?.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => options.signal?.removeEventListener('abort', onAbort));
        const give = (worker: Worker): void => {
          if (nextJob < jobs.length) worker.postMessage(jobs[nextJob++]! satisfies HashMessage);
        };
        for (const worker of this.#workers) {
          // Only reachable if a worker dies some other way; without it the promise would never settle.
          const onExit = (code: number): void => fail(new Error(`a piece-hashing worker exited early (code ${code})`));
          const onMessage = (result: HashResult): void => {
            if ('error' in result) {
              const { code, path } = result.error;
              fail(code === 'SHRANK' ? new ShoalError('io', `'${path}' became shorter while it was being hashed.`) : fileError({ code }, 'reading', path));
              return;
            }
            try {
              take(result);
            } catch (err) {
              fail(err);
              return;
            }
            hashed += result.bytes;
            options.onProgress?.(hashed, total);
            if (++finished === jobs.length) resolve();
            else give(worker);
          };
          worker.on('error', fail).on('exit', onExit).on('message', onMessage);
          cleanups.push(() => worker.off('error', fail).off('exit', onExit).off('message', onMessage));
          // Messages arrive in order: the table before the jobs that read it.
          worker.postMessage({ table } satisfies HashMessage);
          give(worker);
        }
      });
    } finally {
      for (const cleanup of cleanups) cleanup();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

/** Hashes `runs` of `table`'s pieces on workers started for them, and lets them go. */
export async function hashOnWorkers(table: HashWorkerData, runs: readonly HashJob[], total: number, options: HashOptions, take: (result: JobResult) => void): Promise<void> {
  options.signal?.throwIfAborted();
  const jobCount = pieceJobs(runs, table.pieceLength).length;
  if (jobCount === 0) return;
  const workers = new HashWorkers(jobCount);
  try {
    await workers.run(table, runs, total, options, take);
  } finally {
    await workers.close();
  }
}
