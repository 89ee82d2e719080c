import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

function clock(): { now: () => number; advance(ms: number): void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('TokenBucket', () => {
  it('is unlimited at rate 0: always open, taking costs nothing', () => {
    const b = new TokenBucket(0);
    b.take(1e12);
    expect(b.open).toBe(true);
    expect(b.tokens).toBe(Infinity);
    expect(b.msUntilOpen()).toBe(0);
  });

  it('starts full, refills from elapsed time and never beyond the burst', () => {
    const c = clock();
    const b = new TokenBucket(1000, { burst: 500, now: c.now });
    expect(b.tokens).toBe(500);
    b.take(400);
    expect(b.tokens).toBe(100);
    c.advance(200); // 200 ms at 1000 B/s
    expect(b.tokens).toBe(300);
    c.advance(10_000);
    expect(b.tokens).toBe(500);
  });

  it('goes into debt and stays shut until the debt is paid, then says when', () => {
    const c = clock();
    const b = new TokenBucket(1000, { burst: 100, now: c.now });
    b.take(600); // 500 owed
    expect(b.open).toBe(false);
    expect(b.msUntilOpen()).toBe(501); // 500 to repay plus the one token that opens it
    c.advance(500);
    expect(b.open).toBe(false);
    c.advance(1);
    expect(b.open).toBe(true);
    expect(b.msUntilOpen()).toBe(0);
  });

  it('passes exactly rate × time in the long run, whatever the chunk sizes', () => {
    const c = clock();
    const rate = 1024 * 1024;
    const b = new TokenBucket(rate, { now: c.now });
    let passed = 0;
    const chunks = [65536, 1000, 16397, 40000];
    for (let i = 0; c.now() < 1000 + 20_000; i++) {
      if (b.open) {
        b.take(chunks[i % chunks.length]!);
        passed += chunks[i % chunks.length]!;
      } else {
        c.advance(b.msUntilOpen());
      }
    }
    // Whatever the burst lets through at the start, plus 20 s at the rate, plus one chunk of debt.
    expect(passed).toBeGreaterThanOrEqual(20 * rate);
    expect(passed).toBeLessThanOrEqual(20 * rate + b.burst + 65536);
  });

  it('keeps tokens and debt across a rate change, and a default burst of a quarter second', () => {
    const c = clock();
    const b = new TokenBucket(4000, { now: c.now });
    expect(b.burst).toBe(16 * 1024); // at least one block
    b.setRate(400_000);
    expect(b.burst).toBe(100_000);
    b.take(200_000);
    expect(b.tokens).toBe(16 * 1024 - 200_000);
    b.setRate(0);
    expect(b.open).toBe(true);
    b.setRate(1000, 50);
    expect(b.tokens).toBe(50); // a new limit after none starts full
  });

  it('rejects a negative or infinite rate', () => {
    expect(() => new TokenBucket(-1)).toThrow(RangeError);
    expect(() => new TokenBucket(Infinity)).toThrow(RangeError);
  });
});
