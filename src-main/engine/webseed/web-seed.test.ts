import { describe, expect, it } from 'vitest';
import { DROP_AFTER_FAILURES, WebSeed } from './web-seed';

describe('WebSeed back-off', () => {
  it('backs off doubling from 5 s, and is dropped after too many failures in a row', () => {
    const seed = new WebSeed(new URL('http://h/x'));
    expect(seed.ready(0)).toBe(true);
    expect(seed.failed('answered HTTP 503', 1000)).toBe(false);
    expect(seed).toMatchObject({ state: 'error', message: 'answered HTTP 503; retrying in 5 s' });
    expect(seed.ready(5999)).toBe(false);
    expect(seed.ready(6000)).toBe(true);
    expect(seed.failed('the other connection failed too', 3000)).toBe(false);
    expect(seed.message).toBe('answered HTTP 503; retrying in 5 s');
    seed.failed('timed out', 6000);
    expect(seed.message).toBe('timed out; retrying in 10 s');
    expect(seed.ready(15_999)).toBe(false);
    for (let i = 2; i < DROP_AFTER_FAILURES - 1; i++) expect(seed.failed('again', 100_000 * i)).toBe(false);
    expect(seed.failed('answered HTTP 500', 1_000_000)).toBe(true);
    expect(seed).toMatchObject({ state: 'disabled', message: `dropped: answered HTTP 500 (${DROP_AFTER_FAILURES} failures in a row)` });
    expect(seed.ready(Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(seed.signal.aborted).toBe(true);
  });

  it('a success clears the failures and the message', () => {
    const seed = new WebSeed(new URL('http://h/x'));
    for (let i = 0; i < DROP_AFTER_FAILURES - 1; i++) seed.failed('x', i * 1_000_000);
    seed.succeeded();
    expect(seed).toMatchObject({ state: 'working', message: null });
    expect(seed.ready(0)).toBe(true);
    expect(seed.failed('x', 0)).toBe(false);
    expect(seed.message).toBe('x; retrying in 5 s');
  });

  it('waits as long as the server asked, if that is longer', () => {
    const seed = new WebSeed(new URL('http://h/x'));
    seed.failed('answered HTTP 503', 0, 120_000);
    expect(seed.message).toBe('answered HTTP 503; retrying in 120 s');
    expect(seed.ready(119_999)).toBe(false);
    expect(seed.ready(120_000)).toBe(true);
  });

  it('blamed for bad data, it is dropped at once', () => {
    const seed = new WebSeed(new URL('http://h/x'));
    seed.drop('sent piece 3, which failed its hash check');
    expect(seed).toMatchObject({ state: 'disabled', message: 'dropped: sent piece 3, which failed its hash check' });
  });
});
