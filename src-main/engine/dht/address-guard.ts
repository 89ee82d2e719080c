/** Queries one address may send us a second, on average, and in a burst. */
export const QUERIES_PER_SECOND = 10;
const BURST = 30;
/** Addresses tracked at once; the least recently heard gives way, so a spoofed flood costs bounded memory. */
export const MAX_TRACKED = 4096;

/**
 * Per-address defences of the DHT node: a token-bucket rate limit on incoming queries, and the set
 * of addresses that proved they receive at their address (they answered a query of ours). Replies
 * to an address not yet verified may be no larger than the query (no amplification).
 */
export class AddressGuard {
  /** "host" → tokens left and when they were counted; Map order is recency order. */
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  /** "host:port" that answered us; Map order is recency order. */
  readonly #verified = new Map<string, true>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * Counts one query from `host` (port `port`); false when it is over its rate (drop the query
   * silently). Loopback is counted per port: every node of a test network on this machine shares
   * one address, while a remote flooder gains nothing from changing ports.
   */
  allow(host: string, port: number): boolean {
    const now = this.#now();
    const key = isLoopback(host) ? `${host}:${port}` : host;
    let bucket = this.#buckets.get(key);
    if (bucket) {
      this.#buckets.delete(key);
      bucket.tokens = Math.min(BURST, bucket.tokens + ((now - bucket.at) / 1000) * QUERIES_PER_SECOND);
      bucket.at = now;
    } else {
      bucket = { tokens: BURST, at: now };
      if (this.#buckets.size >= MAX_TRACKED) this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** `host:port` answered a query of ours: it is a real receiver. */
  verify(host: string, port: number): void {
    const key = `${host}:${port}`;
    this.#verified.delete(key);
    this.#verified.set(key, true);
    if (this.#verified.size > MAX_TRACKED) this.#verified.delete(this.#verified.keys().next().value!);
  }

  verified(host: string, port: number): boolean {
    return this.#verified.has(`${host}:${port}`);
  }

  get trackedCount(): number {
    return this.#buckets.size + this.#verified.size;
  }
}

function isLoopback(host: string): boolean {
  return host === '::1' || host.startsWith('127.');
}
