import { describe, expect, it } from 'vitest';
import { AddressGuard, MAX_TRACKED, QUERIES_PER_SECOND } from './address-guard';

describe('AddressGuard', () => {
  it('lets a burst through, then the steady rate, per address', () => {
    let t = 0;
    const guard = new AddressGuard(() => t);
    let allowed = 0;
    for (let i = 0; i < 1000; i++) if (guard.allow('6.6.6.6', 1 + i)) allowed++;
    expect(allowed).toBeGreaterThan(0);
    expect(allowed).toBeLessThan(100);
    expect(guard.allow('1.1.1.1', 1)).toBe(true); // another address is unaffected
    t += 1000;
    let more = 0;
    for (let i = 0; i < 1000; i++) if (guard.allow('6.6.6.6', 1 + i)) more++;
    expect(more).toBe(QUERIES_PER_SECOND);
  });

  it('counts loopback per port, since every local node shares the address', () => {
    const guard = new AddressGuard(() => 0);
    for (let i = 0; i < 100; i++) guard.allow('127.0.0.1', 5000);
    expect(guard.allow('127.0.0.1', 5000)).toBe(false);
    expect(guard.allow('127.0.0.1', 5001)).toBe(true);
  });

  it('remembers verified addresses, and only so many', () => {
    const guard = new AddressGuard();
    expect(guard.verified('1.2.3.4', 5)).toBe(false);
    guard.verify('1.2.3.4', 5);
    expect(guard.verified('1.2.3.4', 5)).toBe(true);
    expect(guard.verified('1.2.3.4', 6)).toBe(false);
    for (let i = 0; i < 3 * MAX_TRACKED; i++) {
      guard.verify('10.0.0.1', i);
      guard.allow(`10.1.${i >> 8}.${i & 255}`, 1);
    }
    expect(guard.trackedCount).toBeLessThanOrEqual(2 * MAX_TRACKED);
    expect(guard.verified('1.2.3.4', 5)).toBe(false);
  });
});
