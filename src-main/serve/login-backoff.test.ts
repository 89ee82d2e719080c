import { describe, expect, it } from 'vitest';
import { LoginBackoff } from './login-backoff';

describe('LoginBackoff', () => {
  it('lets five wrong tokens through, then doubles the wait from 1 s up to a minute', () => {
    const b = new LoginBackoff();
    let now = 0;
    const waits: number[] = [];
    for (let i = 0; i < 14; i++) {
      now += b.waitMs('10.0.0.1', now); // a patient guesser: waits exactly as told
      b.failed('10.0.0.1', now);
      waits.push(b.waitMs('10.0.0.1', now));
    }
    expect(waits).toEqual([0, 0, 0, 0, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
    expect(b.waitMs('10.0.0.2', now)).toBe(0); // other addresses are not held up
  });

  it('starts afresh after the right token, or after ten quiet minutes', () => {
    const b = new LoginBackoff();
    for (let i = 0; i < 6; i++) b.failed('a', 0);
    expect(b.waitMs('a', 0)).toBeGreaterThan(0);
    b.succeeded('a');
    b.failed('a', 0);
    expect(b.waitMs('a', 0)).toBe(0);
    for (let i = 0; i < 10; i++) b.failed('b', 0);
    expect(b.waitMs('b', 31_000)).toBe(1000); // ten wrong at once: 32 s
    expect(b.waitMs('b', 10 * 60_000 + 1)).toBe(0);
  });

  it('counts an IPv6 /64 as one guesser, and an IPv4-mapped address as its IPv4 one', () => {
    const b = new LoginBackoff();
    for (let i = 1; i <= 5; i++) b.failed(`2001:db8:0:7::${i.toString(16)}`, 0);
    expect(b.waitMs('2001:0db8:0000:0007:ffff:1:2:3', 0)).toBe(1000);
    expect(b.waitMs('2001:db8:0:8::1', 0)).toBe(0);
    for (let i = 0; i < 5; i++) b.failed('::ffff:192.0.2.9', 0);
    expect(b.waitMs('192.0.2.9', 0)).toBe(1000);
  });
});
