import { describe, expect, it } from 'vitest';
import { BlockPool } from './block-pool';

describe('BlockPool', () => {
  it('reuses a released block instead of allocating', () => {
    const pool = new BlockPool(16, 64);
    const a = pool.acquire(16);
    pool.release(a);
    expect(pool.free).toBe(1);
    expect(pool.acquire(16)).toBe(a);
    expect(pool.free).toBe(0);
  });

  it('keeps no more free blocks than its cap', () => {
    const pool = new BlockPool(16, 32);
    const blocks = [pool.acquire(16), pool.acquire(16), pool.acquire(16)];
    for (const b of blocks) pool.release(b);
    expect(pool.free).toBe(2);
  });

  it('ignores a second release, a foreign buffer and other lengths', () => {
    const pool = new BlockPool(16, 64);
    const a = pool.acquire(16);
    pool.release(a);
    pool.release(a);
    pool.release(new Uint8Array(16));
    const short = pool.acquire(5);
    expect(short).toHaveLength(5);
    pool.release(short);
    expect(pool.free).toBe(1);
    // Two holders never get the same buffer.
    expect(pool.acquire(16)).not.toBe(pool.acquire(16));
  });
});
