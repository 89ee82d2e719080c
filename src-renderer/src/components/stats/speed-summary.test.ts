import { describe, expect, it } from 'vitest';
import { figures, scaleTop, stretches } from './speed-summary';

describe('speed graph figures', () => {
  it('says the latest, average and peak rate', () => {
    expect(figures([0, 100, 300, 200])).toEqual({ now: 200, average: 150, peak: 300 });
    expect(figures([])).toEqual({ now: 0, average: 0, peak: 0 });
  });

  it('cuts the history into stretches, newest first, each the average of its samples', () => {
    const h = { stepMs: 1000, endedAt: 0, down: [1, 1, 2, 2, 3, 3], up: [0, 0, 0, 0, 6, 6] };
    expect(stretches(h, 2)).toEqual([
      { endsAgo: 0, seconds: 2, down: 3, up: 6 },
      { endsAgo: 2, seconds: 2, down: 2, up: 0 },
      { endsAgo: 4, seconds: 2, down: 1, up: 0 },
    ]);
    // Fewer samples than a full span: the oldest stretch is the short one.
    expect(stretches({ ...h, stepMs: 10_000, down: [4, 8, 8], up: [0, 0, 0] }, 2)).toEqual([
      { endsAgo: 0, seconds: 20, down: 8, up: 0 },
      { endsAgo: 20, seconds: 10, down: 4, up: 0 },
    ]);
  });

  it('tops the scale at a round figure above the peak', () => {
    expect(scaleTop(0)).toBe(1024);
    expect(scaleTop(3 * 1024)).toBe(5 * 1024);
    expect(scaleTop(11 * 1024)).toBe(20 * 1024);
    expect(scaleTop(100 * 1024)).toBe(100 * 1024);
    expect(scaleTop(600 * 1024)).toBe(1000 * 1024);
  });
});
