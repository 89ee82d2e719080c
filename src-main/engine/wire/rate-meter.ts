/**
 * Bytes per second over a rolling window of one-second slots: adding is O(1) and reading is
 * O(window), without keeping one entry per transfer.
 */
export class RateMeter {
  readonly #slots: Float64Array;
  #slotSecond = 0;
  /** Second of the first add: a young meter averages over its age, not the whole window. */
  #firstSecond = -1;
  #total = 0;

  constructor(readonly windowSeconds = 5) {
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1) throw new RangeError('window must be at least one second');
    this.#slots = new Float64Array(windowSeconds);
  }

  /** Total bytes ever added. */
  get total(): number {
    return this.#total;
  }

  add(bytes: number, nowMs = Date.now()): void {
    this.#advance(nowMs);
    if (this.#firstSecond < 0) this.#firstSecond = this.#slotSecond;
    this.#slots[this.#slotSecond % this.#slots.length]! += bytes;
    this.#total += bytes;
  }

  /**
   * Average bytes per second over the window (the current, partial second counts as a full one).
   * Until the meter is a window old it averages over its age, so a new connection's rate is not
   * underestimated (request pipelines are sized from it).
   */
  rate(nowMs = Date.now()): number {
    this.#advance(nowMs);
    let sum = 0;
    for (const v of this.#slots) sum += v;
    const age = this.#firstSecond < 0 ? this.#slots.length : this.#slotSecond - this.#firstSecond + 1;
    return sum / Math.min(this.#slots.length, age);
  }

  #advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    if (second <= this.#slotSecond) return;
    const steps = Math.min(second - this.#slotSecond, this.#slots.length);
    for (let i = 1; i <= steps; i++) this.#slots[(this.#slotSecond + i) % this.#slots.length] = 0;
    this.#slotSecond = second;
  }
}
