import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectWhenQuiet } from './quiet-collector';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Plays `loads`, one per 2 s window, then 0; counts the collections. */
function play(loads: number[]): { collections: number[]; stop: () => void } {
  const collections: number[] = [];
  let window = 0;
  const stop = collectWhenQuiet({
    utilization: () => loads[window++] ?? 0,
    collect: () => collections.push(window),
  });
  return { collections, stop };
}

describe('collectWhenQuiet', () => {
  it('collects once in the first quiet window after a busy stretch, and not again while quiet', () => {
    const { collections, stop } = play([0.9, 0.5, 0.3, 0.02, 0.005, 0.004]);
    vi.advanceTimersByTime(2000 * 3);
    expect(collections).toEqual([]);
    // A window between busy and quiet waits.
    vi.advanceTimersByTime(2000);
    expect(collections).toEqual([]);
    vi.advanceTimersByTime(2000);
    expect(collections).toEqual([5]);
    vi.advanceTimersByTime(2000 * 100);
    expect(collections).toEqual([5]);
    stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never collects on a thread that was never busy', () => {
    const { collections, stop } = play([0.001, 0.02, 0.04, 0.0]);
    vi.advanceTimersByTime(2000 * 50);
    expect(collections).toEqual([]);
    stop();
  });

  it('collects at most once in 30 s when busy and quiet stretches alternate', () => {
    const loads = Array.from({ length: 48 }, (_, i) => (i % 2 === 0 ? 0.5 : 0));
    const { collections, stop } = play(loads);
    // 96 s of 2 s busy, 2 s quiet.
    vi.advanceTimersByTime(2000 * 48);
    expect(collections).toEqual([2, 18, 34]);
    stop();
  });
});
