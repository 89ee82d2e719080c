import { describe, expect, it } from 'vitest';
import { checkRangeResponse, redirectTarget, type WebSeedError } from './range-response';

describe('checkRangeResponse', () => {
  it('takes a 206 naming exactly the bytes asked for', () => {
    expect(() => checkRangeResponse(206, { 'content-range': 'bytes 100-199/1000', 'content-length': '100' }, 100, 100)).not.toThrow();
    expect(() => checkRangeResponse(206, { 'content-range': 'bytes 100-199/*' }, 100, 100)).not.toThrow();
  });

  it('refuses a 206 for other bytes, without a Content-Range, or declaring another length', () => {
    expect(() => checkRangeResponse(206, { 'content-range': 'bytes 0-99/1000' }, 100, 100)).toThrow('sent bytes 0-99 when asked for 100-199');
    expect(() => checkRangeResponse(206, { 'content-range': 'bytes 100-299/1000' }, 100, 100)).toThrow('sent bytes 100-299 when asked for 100-199');
    expect(() => checkRangeResponse(206, {}, 100, 100)).toThrow(/without a usable Content-Range/);
    expect(() => checkRangeResponse(206, { 'content-range': 'bytes 100-199/1000', 'content-length': '5000000' }, 100, 100)).toThrow('declared 5000000 bytes for a range of 100');
  });

  it('takes a 200 only when the whole file is what was asked for', () => {
    expect(() => checkRangeResponse(200, { 'content-length': '100' }, 0, 100)).not.toThrow();
    expect(() => checkRangeResponse(200, { 'content-length': '1000' }, 0, 100)).toThrow('answered 200 (the whole file) to a range request');
    expect(() => checkRangeResponse(200, {}, 0, 100)).toThrow(/answered 200/);
    expect(() => checkRangeResponse(200, { 'content-length': '100' }, 100, 100)).toThrow(/answered 200/);
  });

  it('refuses error statuses', () => {
    expect(() => checkRangeResponse(404, {}, 0, 1)).toThrow('answered HTTP 404');
    expect(() => checkRangeResponse(416, {}, 0, 1)).toThrow('answered HTTP 416');
  });

  it('keeps a 503 or 429 Retry-After in seconds, capped at 10 minutes', () => {
    const thrown = (status: number, retry: string) => {
      try {
        checkRangeResponse(status, { 'retry-after': retry }, 0, 1);
      } catch (err) {
        return (err as WebSeedError).retryAfterMs;
      }
      throw new Error('no error');
    };
    expect(thrown(503, '120')).toBe(120_000);
    expect(thrown(429, '5')).toBe(5_000);
    expect(thrown(503, '999999')).toBe(600_000);
    expect(thrown(503, 'Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(thrown(500, '120')).toBeUndefined();
  });
});

describe('redirectTarget', () => {
  const from = new URL('http://h/a/b.bin');
  it('resolves relative locations and keeps to http and https', () => {
    expect(redirectTarget(from, '../c.bin').href).toBe('http://h/c.bin');
    expect(redirectTarget(from, 'https://mirror/x').href).toBe('https://mirror/x');
  });
  it('refuses local files, other schemes and a missing Location', () => {
    expect(() => redirectTarget(from, 'file:///etc/passwd')).toThrow('redirected to a file: URL, which is refused');
    expect(() => redirectTarget(from, 'ftp://h/x')).toThrow(/ftp: URL/);
    expect(() => redirectTarget(from, undefined)).toThrow('redirected without a Location');
  });
});
