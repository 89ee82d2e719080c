import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter';

describe('RateMeter', () => {
  it('averages over the window and forgets what is older', () => {
    const m = new RateMeter(5);
    const t0 = 1_000_000;
    m.add(5000, t0);
    m.add(5000, t0 + 1500);
    expect(m.rate(t0 + 2000)).toBe(2000);
    expect(m.rate(t0 + 5500)).toBe(1000); // the first second left the window
    expect(m.rate(t0 + 60_000)).toBe(0);
    expect(m.total).toBe(10_000);
  });
});
