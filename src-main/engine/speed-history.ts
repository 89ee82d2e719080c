import type { SpeedHistory as SpeedHistoryData, SpeedSpan } from '../../src-shared/contract';

/** Samples of the 5-minute graph: one a second. */
export const FINE_SAMPLES = 300;
/** Fine samples averaged into one of the 30-minute graph. */
export const COARSE_EVERY = 10;
export const COARSE_SAMPLES = 180;

/** A fixed ring of rate pairs, oldest overwritten first. */
class Ring {
  readonly #down: Float32Array;
  readonly #up: Float32Array;
  /** Samples written ever; the newest sits at (written - 1) % capacity. */
  #written = 0;

  constructor(capacity: number) {
    this.#down = new Float32Array(capacity);
    this.#up = new Float32Array(capacity);
  }

  push(down: number, up: number): void {
    const i = this.#written % this.#down.length;
    this.#down[i] = down;
    this.#up[i] = up;
    this.#written++;
  }

  /** Oldest first. */
  read(): { down: number[]; up: number[] } {
    const capacity = this.#down.length;
    const n = Math.min(this.#written, capacity);
    const down: number[] = [];
    const up: number[] = [];
    for (let k = this.#written - n; k < this.#written; k++) {
      down.push(this.#down[k % capacity]!);
      up.push(this.#up[k % capacity]!);
    }
    return { down, up };
  }
}

/**
 * Rates over the last 5 minutes (a sample a second) and 30 minutes (the average of each 10 s), in
 * fixed memory: about 4 KB whatever runs how long.
 */
export class SpeedHistory {
  readonly #fine = new Ring(FINE_SAMPLES);
  readonly #coarse = new Ring(COARSE_SAMPLES);
  #sum = { down: 0, up: 0, n: 0 };
  #endedAt = 0;
  #coarseEndedAt = 0;
  /** When the last sample above zero was taken (0: never). */
  #lastMovedAt = 0;

  /** One sample, taken once a second at `at` (ms). */
  record(down: number, up: number, at: number): void {
    this.#fine.push(down, up);
    this.#endedAt = at;
    if (down > 0 || up > 0) this.#lastMovedAt = at;
    const sum = this.#sum;
    sum.down += down;
    sum.up += up;
    if (++sum.n === COARSE_EVERY) {
      this.#coarse.push(sum.down / COARSE_EVERY, sum.up / COARSE_EVERY);
      this.#coarseEndedAt = at;
      this.#sum = { down: 0, up: 0, n: 0 };
    }
  }

  /** Nothing moved in the last 30 minutes: the history shows only zeros and may be dropped. */
  idleSince(at: number): boolean {
    return at - this.#lastMovedAt >= COARSE_SAMPLES * COARSE_EVERY * 1000;
  }

  window(span: SpeedSpan): SpeedHistoryData {
    const fine = span === '5m';
    const { down, up } = (fine ? this.#fine : this.#coarse).read();
    return { stepMs: fine ? 1000 : COARSE_EVERY * 1000, endedAt: fine ? this.#endedAt : this.#coarseEndedAt, down, up };
  }
}
