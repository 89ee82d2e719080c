/** What a speed graph says in words and numbers: for its caption, its table, and its scale. */
import type { SpeedHistory } from '../../api/contract';

export interface WayFigures {
  readonly now: number;
  readonly average: number;
  readonly peak: number;
}

export function figures(samples: readonly number[]): WayFigures {
  if (samples.length === 0) return { now: 0, average: 0, peak: 0 };
  let sum = 0;
  let peak = 0;
  for (const v of samples) {
    sum += v;
    if (v > peak) peak = v;
  }
  return { now: samples[samples.length - 1]!, average: sum / samples.length, peak };
}

/** One row of the table a screen reader reads instead of the picture: a stretch of the span and its average rates. */
export interface StretchRow {
  /** Seconds before the newest sample the stretch ends at (0: now). */
  readonly endsAgo: number;
  readonly seconds: number;
  readonly down: number;
  readonly up: number;
}

/** The history cut into stretches of `per` samples, newest first (the oldest may be shorter): a minute each for 5 minutes, 5 minutes each for 30. */
export function stretches(h: SpeedHistory, per: number): StretchRow[] {
  const n = h.down.length;
  const out: StretchRow[] = [];
  for (let end = n; end > 0; end -= per) {
    const start = Math.max(0, end - per);
    out.push({
      endsAgo: ((n - end) * h.stepMs) / 1000,
      seconds: ((end - start) * h.stepMs) / 1000,
      down: figures(h.down.slice(start, end)).average,
      up: figures(h.up.slice(start, end)).average,
    });
  }
  return out;
}

/** The top of the scale: the peak rounded up to 1, 2 or 5 × 10ⁿ KiB/s (at least 1 KiB/s), so the gridlines read as round figures. */
export function scaleTop(peak: number): number {
  const kib = Math.max(1, peak / 1024);
  const power = 10 ** Math.floor(Math.log10(kib));
  const step = [1, 2, 5, 10].find((m) => m * power >= kib) ?? 10;
  return step * power * 1024;
}
