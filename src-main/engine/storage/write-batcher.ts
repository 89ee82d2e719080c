/** Writes `buffers` back to back from `position` of one file. */
export type WriteRun = (position: number, buffers: Uint8Array[]) => Promise<void>;

interface Pending {
  readonly position: number;
  readonly data: Uint8Array;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** writev takes at most IOV_MAX (1024 on Linux) buffers. */
const MAX_RUN = 1024;

/**
 * Coalesces the writes to one file. The first write goes out at once; writes that arrive while a
 * batch is in flight wait for it and then go out together, adjacent blocks as one writev. Under
 * load that turns thousands of 16 KiB writes into a few large ones; when idle it adds no delay.
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

  write(position: number, data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ position, data, resolve, reject });
      if (!this.#busy) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#busy = true;
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
        runs.push(this.#flush(batch.slice(start, i)));
        start = i;
      }
      await Promise.all(runs);
    }
    this.#busy = false;
    this.#onIdle();
  }

  async #flush(run: Pending[]): Promise<void> {
    try {
      await this.#run(
        run[0]!.position,
        run.map((p) => p.data),
      );
      for (const p of run) p.resolve();
    } catch (err) {
      for (const p of run) p.reject(err);
    }
  }
}
