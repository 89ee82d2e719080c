import { describe, expect, it } from 'vitest';
import { checkRangeResponse, redirectTarget } from './range-response';

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
