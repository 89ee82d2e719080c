import { describe, expect, it } from 'vitest';
import { COARSE_EVERY, COARSE_SAMPLES, FINE_SAMPLES, SpeedHistory } from './speed-history';

describe('SpeedHistory', () => {
  it('keeps the last 5 minutes a second at a time, oldest first, dropping older samples', () => {
    const h = new SpeedHistory();
    for (let s = 1; s <= FINE_SAMPLES + 20; s++) h.record(s, 2 * s, s * 1000);
    const w = h.window('5m');
    expect(w.stepMs).toBe(1000);
    expect(w.endedAt).toBe((FINE_SAMPLES + 20) * 1000);
    expect(w.down).toHaveLength(FINE_SAMPLES);
    expect(w.down[0]).toBe(21);
    expect(w.down.at(-1)).toBe(FINE_SAMPLES + 20);
    expect(w.up.at(-1)).toBe(2 * (FINE_SAMPLES + 20));
  });

  it('is as long as it has run before the span is full', () => {
    const h = new SpeedHistory();
    h.record(5, 6, 1000);
    h.record(7, 8, 2000);
    expect(h.window('5m')).toEqual({ stepMs: 1000, endedAt: 2000, down: [5, 7], up: [6, 8] });
    expect(h.window('30m').down).toEqual([]);
  });

  it('averages each 10 s into the 30-minute window and keeps 180 of them', () => {
    const h = new SpeedHistory();
    const seconds = (COARSE_SAMPLES + 3) * COARSE_EVERY;
    // Each 10 s block n holds rates n*10 .. n*10+9: its average is n*10 + 4.5.
    for (let s = 0; s < seconds; s++) h.record(s, 0, (s + 1) * 1000);
    const w = h.window('30m');
    expect(w.stepMs).toBe(COARSE_EVERY * 1000);
    expect(w.down).toHaveLength(COARSE_SAMPLES);
    expect(w.down[0]).toBe(3 * COARSE_EVERY + 4.5);
    expect(w.down.at(-1)).toBe(seconds - COARSE_EVERY + 4.5);
    expect(w.endedAt).toBe(seconds * 1000);
  });

  it('is idle once nothing moved for 30 minutes', () => {
    const h = new SpeedHistory();
    h.record(100, 0, 1000);
    h.record(0, 0, 2000);
    expect(h.idleSince(1000 + 30 * 60_000 - 1)).toBe(false);
    expect(h.idleSince(1000 + 30 * 60_000)).toBe(true);
  });
});
