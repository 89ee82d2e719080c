/**
 * When the session is saved: every `intervalMs` (totals and verified pieces move all the time),
 * `debounceMs` after a change the user made (add, remove, options), and on demand at exit. Saves
 * never overlap; a request during a save runs once more after it.
 */
export class SaveScheduler {
  /** `routine`: a timed or debounced save, not one asked for by `now` or `required` (at exit, before a step). */
  readonly #save: (routine: boolean) => Promise<void>;
  readonly #onError: (err: unknown) => void;
  readonly #debounceMs: number;
  readonly #interval: NodeJS.Timeout;
  #debounce: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(save: (routine: boolean) => Promise<void>, onError: (err: unknown) => void, options: { intervalMs?: number; debounceMs?: number } = {}) {
    this.#save = save;
    this.#onError = onError;
    this.#debounceMs = options.debounceMs ?? 1_000;
    this.#interval = setInterval(() => void this.#queue(true), options.intervalMs ?? 30_000);
    this.#interval.unref();
  }

  /** Saves shortly, once for a burst of changes. */
  soon(): void {
    if (this.#stopped || this.#debounce) return;
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      void this.#queue(true);
    }, this.#debounceMs);
  }

  /** Saves now (after any save in progress); errors go to `onError`, never to the caller. */
  now(): Promise<void> {
    return this.#queue(false);
  }

  #queue(routine: boolean): Promise<void> {
    this.#running = this.#running.then(() => this.#save(routine).catch(this.#onError));
    return this.#running;
  }

  /** Saves now like `now`, but a failure rejects to the caller too: for steps that must not go on unsaved. */
  required(): Promise<void> {
    const saved = this.#running.then(() => this.#save(false));
    this.#running = saved.catch(this.#onError);
    return saved;
  }

  /** No more timed saves; the caller makes the last one with `now()`. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#interval);
    clearTimeout(this.#debounce);
  }
}
