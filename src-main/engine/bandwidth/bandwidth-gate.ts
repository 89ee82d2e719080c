import type { TokenBucket } from './token-bucket';

/**
 * Bytes going one way through one or more token buckets (a torrent's and the global one): a byte
 * passes all of them, so the tightest governs. Whoever finds the gate shut waits in the `WaitQueue`
 * the gate shares with the others on the same global bucket.
 */
export class BandwidthGate {
  readonly #buckets: readonly TokenBucket[];
  readonly #queue: WaitQueue;

  constructor(buckets: readonly TokenBucket[], queue: WaitQueue) {
    this.#buckets = buckets;
    this.#queue = queue;
  }

  /** The tightest limit in bytes a second, 0 when none. */
  get rate(): number {
    let rate = 0;
    for (const b of this.#buckets) if (!b.unlimited && (rate === 0 || b.rate < rate)) rate = b.rate;
    return rate;
  }

  get open(): boolean {
    for (const b of this.#buckets) if (!b.open) return false;
    return true;
  }

  /** Milliseconds until every bucket is open (0 if the gate is open). */
  msUntilOpen(): number {
    let ms = 0;
    for (const b of this.#buckets) ms = Math.max(ms, b.msUntilOpen());
    return ms;
  }

  /** Counts bytes through every bucket; false when that shut the gate (wait before more). */
  consume(bytes: number): boolean {
    for (const b of this.#buckets) b.take(bytes);
    return this.open;
  }

  /** Calls `resume` once, on a later turn, when the gate is open; a waiter already waiting keeps its place. */
  wait(resume: () => void): void {
    this.#queue.add(this, resume);
  }

  cancel(resume: () => void): void {
    this.#queue.remove(resume);
  }
}

/**
 * Everyone waiting on gates that share buckets, oldest first. When a wake-up comes, each waiter
 * whose gate is open goes, in order; the others keep their place. A waiter that goes and waits
 * again joins the back, so the ones it passed get the next tokens: no peer or torrent is starved.
 * One timer, set for the soonest any waiting gate opens; none while no one waits.
 */
export class WaitQueue {
  readonly #waiters = new Map<() => void, BandwidthGate>();
  #timer: NodeJS.Timeout | undefined;

  add(gate: BandwidthGate, resume: () => void): void {
    if (this.#waiters.has(resume)) return;
    this.#waiters.set(resume, gate);
    this.#schedule();
  }

  remove(resume: () => void): void {
    this.#waiters.delete(resume);
  }

  /** A limit changed: waiters may go at once, or later than planned. */
  refresh(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#waiters.size === 0) return;
    let ms = Infinity;
    const seen = new Set<BandwidthGate>();
    for (const gate of this.#waiters.values()) {
      if (seen.has(gate)) continue;
      seen.add(gate);
      ms = Math.min(ms, gate.msUntilOpen());
      if (ms === 0) break;
    }
    // Even when open, call back on a later turn: the waiter is usually in the middle of its work.
    this.#timer = setTimeout(() => this.#wake(), ms);
    this.#timer.unref();
  }

  #wake(): void {
    this.#timer = undefined;
    for (const [resume, gate] of [...this.#waiters]) {
      if (!gate.open) continue;
      this.#waiters.delete(resume);
      resume();
    }
    this.#schedule();
  }
}
