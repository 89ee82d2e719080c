import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter';

describe('RateMeter', () => {
  it('averages over the window and forgets what is older', () => {
    const m = new RateMeter(5);
    const t0 = 1_000_000;
    m.add(5000, t0);
    m.add(5000, t0 + 1500);
    expect(m.rate(t0 + 4000)).toBe(2000); // five seconds old: the whole window
    expect(m.rate(t0 + 5500)).toBe(1000); // the first second left the window
    expect(m.rate(t0 + 60_000)).toBe(0);
    expect(m.total).toBe(10_000);
  });

  it('averages a young meter over its age, so a new connection is not underestimated', () => {
    const m = new RateMeter(5);
    const t0 = 2_000_000;
    m.add(8000, t0);
    expect(m.rate(t0 + 100)).toBe(8000);
    m.add(8000, t0 + 1200);
    expect(m.rate(t0 + 1300)).toBe(8000);
  });

  it('reads zero before anything was added', () => {
    expect(new RateMeter(5).rate(1_000)).toBe(0);
  });
});
