/** What the Trackers tab shows of a web seed. */
export type WebSeedState = 'not contacted' | 'working' | 'error' | 'disabled';

/** Back-off after the first failure; it doubles with each one in a row. */
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 5 * 60_000;
/** Failures in a row (errors, timeouts, refused answers) after which a web seed is dropped. */
export const DROP_AFTER_FAILURES = 5;

/**
 * One `url-list` URL of a torrent: to the picker, a peer that has every piece (so its requests
 * are in the same ledger as the peers'); to the Trackers tab, a row with its state. Failures in
 * a row back it off, doubling; too many, or data that fails its hash check, drop it for good.
 */
export class WebSeed {
  /** Its URL: the name the ledger's senders and the ban logic know it by. */
  readonly key: string;
  state: WebSeedState = 'not contacted';
  /** Why it is backing off or was dropped. */
  message: string | null = null;
  /** Runs under way. */
  active = 0;
  /** Payload bytes it delivered. */
  downloaded = 0;
  #failures = 0;
  #retryAt = 0;
  /** Aborts its runs under way when it is dropped. */
  readonly #runs = new AbortController();

  constructor(readonly base: URL) {
    this.key = base.href;
  }

  get dropped(): boolean {
    return this.state === 'disabled';
  }

  /** Aborted when the seed is dropped. */
  get signal(): AbortSignal {
    return this.#runs.signal;
  }

  /** Whether it may be asked for another run now. */
  ready(now: number): boolean {
    return !this.dropped && now >= this.#retryAt;
  }

  succeeded(): void {
    this.#failures = 0;
    this.#retryAt = 0;
    this.state = 'working';
    this.message = null;
  }

  /**
   * A run failed with `reason`: back off (at least `waitAtLeastMs`, as the server asked), or drop
   * once it has failed too often. Returns true if dropped.
   */
  failed(reason: string, now: number, waitAtLeastMs = 0): boolean {
    if (this.dropped) return true;
    // Its other connection failing meanwhile is the same trouble, not one more failure.
    if (now < this.#retryAt) return false;
    this.#failures++;
    if (this.#failures >= DROP_AFTER_FAILURES) {
      this.drop(`${reason} (${this.#failures} failures in a row)`);
      return true;
    }
    const wait = Math.max(waitAtLeastMs, Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.#failures - 1)));
    this.#retryAt = now + wait;
    this.state = 'error';
    this.message = `${reason}; retrying in ${Math.round(wait / 1000)} s`;
    return false;
  }

  /** Never asked again this session. */
  drop(reason: string): void {
    this.state = 'disabled';
    this.message = `dropped: ${reason}`;
    this.#runs.abort();
  }
}
