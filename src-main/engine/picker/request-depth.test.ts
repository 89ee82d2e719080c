import { describe, expect, it } from 'vitest';
import { requestDepth } from './request-depth';

describe('requestDepth', () => {
  it('covers about 3 s of the rate in 16 KiB blocks', () => {
    expect(requestDepth(1024 * 1024)).toBe(192); // 3 MiB / 16 KiB
    expect(requestDepth(100 * 1024)).toBe(19);
  });

  it('keeps at least 4, or 2 when snubbed', () => {
    expect(requestDepth(0)).toBe(4);
    expect(requestDepth(1000, { snubbed: true })).toBe(2);
  });

  it('never exceeds 500 or the peer reqq', () => {
    expect(requestDepth(1e9)).toBe(500);
    expect(requestDepth(1e9, { reqq: 250 })).toBe(250);
    expect(requestDepth(0, { reqq: 2 })).toBe(2);
  });
});
