import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BandwidthLimiter } from './bandwidth-limiter';

const KiB = 1024;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A limiter on the fake clock. */
function limiter(): BandwidthLimiter {
  return new BandwidthLimiter({ now: () => Date.now() });
}

/** Sends `chunk`-byte pieces through a gate as fast as it allows for `ms`; returns bytes passed. */
function pump(gate: { consume(n: number): boolean; wait(f: () => void): void; open: boolean }, chunk: number): { passed: number } {
  const state = { passed: 0 };
  const go = (): void => {
    while (gate.open) {
      state.passed += chunk;
      if (!gate.consume(chunk)) break;
    }
    gate.wait(go);
  };
  go();
  return state;
}

describe('BandwidthLimiter', () => {
  it('lets everything through at once while nothing is limited', () => {
    const t = limiter().forTorrent();
    expect(t.down.rate).toBe(0);
    expect(t.down.consume(1e9)).toBe(true);
    expect(t.up.consume(1e9)).toBe(true);
  });

  it('holds a torrent to its own limit when that is the tighter one', () => {
    const l = limiter();
    l.setLimit({ down: 1000 * KiB, up: 0 });
    const t = l.forTorrent();
    t.setLimit({ down: 100 * KiB, up: 0 });
    expect(t.down.rate).toBe(100 * KiB);
    const flow = pump(t.down, 16 * KiB);
    vi.advanceTimersByTime(10_000);
    // 10 s at 100 KiB/s plus the first burst (16 KiB minimum) and one block of debt.
    expect(flow.passed).toBeGreaterThanOrEqual(1000 * KiB);
    expect(flow.passed).toBeLessThanOrEqual(1000 * KiB + 32 * KiB + 16 * KiB);
  });

  it('holds several torrents together to the global limit when that is the tighter one', () => {
    const l = limiter();
    l.setLimit({ down: 200 * KiB, up: 0 });
    const a = l.forTorrent();
    const b = l.forTorrent();
    a.setLimit({ down: 150 * KiB, up: 0 });
    const fa = pump(a.down, 16 * KiB);
    const fb = pump(b.down, 16 * KiB);
    vi.advanceTimersByTime(10_000);
    const total = fa.passed + fb.passed;
    expect(total).toBeGreaterThanOrEqual(2000 * KiB);
    expect(total).toBeLessThanOrEqual(2000 * KiB + 50 * KiB + 32 * KiB);
    // Neither torrent is shut out by the other.
    expect(fa.passed).toBeGreaterThan(500 * KiB);
    expect(fb.passed).toBeGreaterThan(500 * KiB);
    expect(fa.passed).toBeLessThanOrEqual(1500 * KiB + 38 * KiB + 16 * KiB);
  });

  it('limits each direction on its own', () => {
    const l = limiter();
    const t = l.forTorrent();
    t.setLimit({ down: 0, up: 50 * KiB });
    const up = pump(t.up, 16 * KiB);
    vi.advanceTimersByTime(4000);
    expect(up.passed).toBeGreaterThanOrEqual(200 * KiB);
    expect(up.passed).toBeLessThanOrEqual(200 * KiB + 32 * KiB);
    expect(t.down.consume(10 * 1024 * KiB)).toBe(true);
  });

  it('calls waiters back oldest first and round the ring, so no one starves', () => {
    const l = limiter();
    l.setLimit({ down: 0, up: 16 * KiB });
    const t = l.forTorrent();
    const served: string[] = [];
    const peers = ['a', 'b', 'c'].map((name) => {
      const serve = (): void => {
        if (!t.up.open) {
          t.up.wait(serve);
          return;
        }
        served.push(name);
        t.up.consume(16 * KiB);
        t.up.wait(serve); // wants more right away
      };
      return serve;
    });
    for (const serve of peers) serve();
    vi.advanceTimersByTime(6000);
    // One block a second at 16 KiB/s, after the first one from the full bucket.
    expect(served.length).toBe(7);
    // After the first block (served before anyone waited), every wake-up goes to the next in turn.
    expect(served.slice(1, 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('wakes waiters at once when a limit is lifted', () => {
    const l = limiter();
    l.setLimit({ down: 10 * KiB, up: 0 });
    const t = l.forTorrent();
    t.down.consume(26 * KiB); // 10 KiB owed past the 16 KiB burst
    let woken = 0;
    t.down.wait(() => woken++);
    vi.advanceTimersByTime(500);
    expect(woken).toBe(0);
    l.setLimit({ down: 0, up: 0 });
    vi.advanceTimersByTime(0);
    expect(woken).toBe(1);
  });

  it('forgets a cancelled waiter', () => {
    const l = limiter();
    const t = l.forTorrent();
    t.setLimit({ down: 1000, up: 0 });
    t.down.consume(20_000);
    let woken = 0;
    const resume = (): void => {
      woken++;
    };
    t.down.wait(resume);
    t.down.cancel(resume);
    vi.advanceTimersByTime(60_000);
    expect(woken).toBe(0);
  });
});
