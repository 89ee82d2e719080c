/** Milliseconds on a clock that never goes backwards. */
export type Clock = () => number;

export const monotonicClock: Clock = () => performance.now();

/**
 * A token bucket counted in bytes: `rate` tokens a second flow in, up to `burst`. Tokens are
 * computed from the time elapsed when asked, so no timer runs. Taking more than there is leaves a
 * debt (a socket chunk already read cannot be refused); the debt is paid off before the bucket
 * counts as open again, so the long-run rate holds exactly. Rate 0 means unlimited.
 */
export class TokenBucket {
  #rate = 0;
  #burst = 0;
  #tokens = 0;
  #at: number;
  readonly #now: Clock;

  constructor(rate = 0, options: { burst?: number; now?: Clock } = {}) {
    this.#now = options.now ?? monotonicClock;
    this.#at = this.#now();
    this.setRate(rate, options.burst);
  }

  /** Bytes a second; 0 means unlimited. */
  get rate(): number {
    return this.#rate;
  }

  get burst(): number {
    return this.#burst;
  }

  get unlimited(): boolean {
    return this.#rate === 0;
  }

  /**
   * Changes the rate (and burst, by default a quarter second of the rate and at least 16 KiB, one
   * block). Tokens earned so far are kept, within the new burst; a debt stays owed.
   */
  setRate(rate: number, burst = defaultBurst(rate)): void {
    if (!(rate >= 0) || !Number.isFinite(rate)) throw new RangeError(`bad rate ${rate}`);
    this.#refill();
    const wasUnlimited = this.#rate === 0;
    this.#rate = rate;
    this.#burst = rate === 0 ? 0 : Math.max(1, burst);
    // A limit set where there was none starts with a full bucket, as a fresh one would.
    this.#tokens = rate === 0 ? 0 : wasUnlimited ? this.#burst : Math.min(this.#tokens, this.#burst);
  }

  /** Tokens there now; negative while a debt is owed. Infinite when unlimited. */
  get tokens(): number {
    if (this.#rate === 0) return Infinity;
    this.#refill();
    return this.#tokens;
  }

  /** Whether bytes may pass now. */
  get open(): boolean {
    return this.tokens > 0;
  }

  /** Counts bytes that passed (or will), going into debt if there were not enough tokens. */
  take(bytes: number): void {
    if (this.#rate === 0) return;
    this.#refill();
    this.#tokens -= bytes;
  }

  /** Milliseconds until the bucket is open again (0 if it is open). */
  msUntilOpen(): number {
    const tokens = this.tokens;
    if (tokens > 0) return 0;
    // Open means strictly positive: wait for one token past the debt.
    return Math.ceil(((1 - tokens) / this.#rate) * 1000);
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = now - this.#at;
    this.#at = now;
    if (this.#rate === 0 || elapsed <= 0) return;
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed / 1000) * this.#rate);
  }
}

const MIN_BURST = 16 * 1024;

function defaultBurst(rate: number): number {
  return Math.max(MIN_BURST, Math.round(rate / 4));
}
