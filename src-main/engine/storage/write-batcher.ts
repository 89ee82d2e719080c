/** Writes `buffers` back to back from `position` of one file. */
export type WriteRun = (position: number, buffers: Uint8Array[]) => Promise<void>;

/**
 * Told once when a write is on disk (no argument) or failed (the error). Always called later,
 * never from inside the call that queued the write.
 */
export type WriteDone = (error?: unknown) => void;

interface Pending {
  readonly position: number;
  readonly data: Uint8Array;
  readonly done: WriteDone;
  readonly settled: (() => void) | undefined;
}

/** writev takes at most IOV_MAX (1024 on Linux) buffers. */
const MAX_RUN = 1024;

/**
 * Coalesces the writes to one file. The first write goes out at the end of the turn that queued
 * it; writes that arrive while a batch is in flight wait for it and then go out together,
 * adjacent blocks as one writev. Under
 * load that turns thousands of 16 KiB writes into a few large ones; when idle it adds no delay.
 * A write costs a callback, not a promise: promises are made per batch.
 */
export class WriteBatcher {
  readonly #run: WriteRun;
  #waiting: Pending[] = [];
  #busy = false;
  /** Called once nothing is waiting or in flight, so an owner can drop an idle batcher. */
  readonly #onIdle: () => void;

  constructor(run: WriteRun, onIdle: () => void) {
    this.#run = run;
    this.#onIdle = onIdle;
  }

  /** `settled`, when given, is called just before `done` (a caller's bookkeeping without a closure per write). */
  write(position: number, data: Uint8Array, done: WriteDone, settled?: () => void): void {
    this.#waiting.push({ position, data, done, settled });
    if (!this.#busy) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    // The first batch starts after this turn, so writes queued in the same turn join it and no
    // `done` runs inside `write`.
    await undefined;
    while (this.#waiting.length > 0) {
      const batch = this.#waiting;
      this.#waiting = [];
      if (batch.length > 1) batch.sort((a, b) => a.position - b.position);
      const runs: Promise<void>[] = [];
      let start = 0;
      for (let i = 1; i <= batch.length; i++) {
        const prev = batch[i - 1]!;
        const next = batch[i];
        if (next !== undefined && i - start < MAX_RUN && next.position === prev.position + prev.data.length) continue;
        runs.push(this.#flush(batch, start, i));
        start = i;
      }
      await Promise.all(runs);
    }
    this.#busy = false;
    this.#onIdle();
  }

  async #flush(batch: Pending[], from: number, to: number): Promise<void> {
    const buffers: Uint8Array[] = [];
    for (let i = from; i < to; i++) buffers.push(batch[i]!.data);
    let failure: unknown;
    try {
      await this.#run(batch[from]!.position, buffers);
    } catch (err) {
      failure = err ?? new Error('the write failed');
    }
    for (let i = from; i < to; i++) {
      const pending = batch[i]!;
      pending.settled?.();
      pending.done(failure);
    }
  }
}
