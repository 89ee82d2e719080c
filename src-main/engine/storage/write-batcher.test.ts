import { describe, expect, it } from 'vitest';
import { WriteBatcher } from './write-batcher';

/** Queues a write and resolves (or rejects) with its outcome. */
function write(batcher: WriteBatcher, position: number, data: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => batcher.write(position, data, (err) => (err === undefined ? resolve() : reject(err))));
}

/** A batcher whose runs take a moment, and whose run starting at `position` fails with `message`. */
function failingAt(position: number, message: string): WriteBatcher {
  return new WriteBatcher(
    async (start) => {
      await new Promise((r) => setTimeout(r, 1));
      if (start === position) throw new Error(message);
    },
    () => undefined,
  );
}

describe('WriteBatcher', () => {
  it('coalesces adjacent writes queued together, and those that queue behind a batch in flight', async () => {
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
    const first = [write(batcher, 0, b), write(batcher, 70, b), write(batcher, 60, b)];
    await new Promise((r) => setImmediate(r));
    // The first batch is in flight: these wait for it and go out as one run and one lone write.
    await Promise.all([...first, write(batcher, 30, b), write(batcher, 10, b), write(batcher, 20, b), write(batcher, 50, b)]);
    expect(runs).toEqual([
      { position: 0, lengths: [10] },
      { position: 60, lengths: [10, 10] },
      { position: 10, lengths: [10, 10, 10] },
      { position: 50, lengths: [10] },
    ]);
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(1);
  });

  it('tells every write of a failed run its error and none of the others, never from inside write()', async () => {
    const batcher = failingAt(100, 'ENOSPC');
    const b = new Uint8Array(10);
    let calledDuringWrite = false;
    let inside = true;
    batcher.write(200, b, () => (calledDuringWrite = inside));
    inside = false;
    const results = await Promise.allSettled([write(batcher, 0, b), write(batcher, 100, b), write(batcher, 110, b), write(batcher, 10, b)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(results[1]!.status === 'rejected' && (results[1].reason as Error).message).toBe('ENOSPC');
    expect(calledDuringWrite).toBe(false);
  });

  it('calls the settled hook of a write once, just before its done, whether the run failed or not', async () => {
    const batcher = failingAt(100, 'EIO');
    const b = new Uint8Array(10);
    const events: string[] = [];
    const settled = await Promise.all(
      [0, 100].map(
        (position) =>
          new Promise<unknown>((resolve) =>
            batcher.write(
              position,
              b,
              (err) => {
                events.push(`done ${position}`);
                resolve(err);
              },
              () => events.push(`settled ${position}`),
            ),
          ),
      ),
    );
    expect(events).toEqual(['settled 0', 'done 0', 'settled 100', 'done 100']);
    expect(settled[0]).toBeUndefined();
    expect((settled[1] as Error).message).toBe('EIO');
  });
});
