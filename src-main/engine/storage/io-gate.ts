/**
 * Lets many reads and writes run together, and one rare job (moving data when files are skipped
 * or wanted again) run alone: once `exclusive` is called, new `shared` work waits, the job starts
 * when the work already running has finished, and the waiting work then goes on. Jobs run in the
 * order they were asked for.
 */
export class IoGate {
  #running = 0;
  #drained: (() => void) | undefined;
  /** Set while jobs are waiting or running; shared work waits for it. */
  #closed: Promise<void> | undefined;
  #reopen: (() => void) | undefined;
  #jobs = 0;
  #tail: Promise<void> = Promise.resolve();

  async shared<T>(work: () => Promise<T>): Promise<T> {
    while (this.#closed !== undefined) await this.#closed;
    this.#running++;
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  /**
   * Starts shared work without a promise (the per-block write path): true when the gate is open,
   * and the caller must then call `leave` once the work has settled; false when a job is waiting
   * or running, and the caller goes through `shared` instead.
   */
  tryEnter(): boolean {
    if (this.#closed !== undefined) return false;
    this.#running++;
    return true;
  }

  /** Ends shared work started by `tryEnter` (or `shared`). */
  leave(): void {
    if (--this.#running === 0) this.#drained?.();
  }

  exclusive<T>(job: () => Promise<T>): Promise<T> {
    // Closed at once, so work asked for after this call cannot slip in before the job.
    if (this.#jobs++ === 0) this.#closed = new Promise((resolve) => (this.#reopen = resolve));
    const run = this.#tail.then(async () => {
      if (this.#running > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
      this.#drained = undefined;
      return job();
    });
    this.#tail = run.then(
      () => this.#jobDone(),
      () => this.#jobDone(),
    );
    return run;
  }

  #jobDone(): void {
    if (--this.#jobs > 0) return;
    this.#closed = undefined;
    this.#reopen?.();
  }
}
