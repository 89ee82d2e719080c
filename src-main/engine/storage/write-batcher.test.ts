import { describe, expect, it } from 'vitest';
import { WriteBatcher } from './write-batcher';

describe('WriteBatcher', () => {
  it('sends the first write at once and coalesces adjacent writes that queue behind it', async () => {
    const runs: { position: number; lengths: number[] }[] = [];
    let idle = 0;
    const batcher = new WriteBatcher(
      async (position, buffers) => {
        runs.push({ position, lengths: buffers.map((b) => b.length) });
        await new Promise((r) => setTimeout(r, 1));
      },
      () => idle++,
    );
    const b = new Uint8Array(10);
    await Promise.all([batcher.write(0, b), batcher.write(30, b), batcher.write(10, b), batcher.write(20, b), batcher.write(50, b)]);
    expect(runs).toEqual([
      { position: 0, lengths: [10] },
      { position: 10, lengths: [10, 10, 10] },
      { position: 50, lengths: [10] },
    ]);
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(1);
  });

  it('rejects every write of a failed run and none of the others', async () => {
    const batcher = new WriteBatcher(
      async (position) => {
        await new Promise((r) => setTimeout(r, 1));
        if (position === 100) throw new Error('ENOSPC');
      },
      () => undefined,
    );
    const b = new Uint8Array(10);
    const results = await Promise.allSettled([batcher.write(0, b), batcher.write(100, b), batcher.write(110, b), batcher.write(10, b)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
  });
});
