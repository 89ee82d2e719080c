import { describe, expect, it } from 'vitest';
import { IoGate } from './io-gate';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('IoGate', () => {
  it('runs a job after the work in flight and before work asked for later', async () => {
    const gate = new IoGate();
    const log: string[] = [];
    const first = deferred();
    const a = gate.shared(async () => {
      await first.promise;
      log.push('a');
    });
    const job = gate.exclusive(async () => {
      log.push('job');
      return 42;
    });
    const b = gate.shared(async () => {
      log.push('b');
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual([]);
    first.resolve();
    expect(await job).toBe(42);
    await Promise.all([a, b]);
    expect(log).toEqual(['a', 'job', 'b']);
  });

  it('a job waits for work entered without a promise until it leaves, and no work enters that way meanwhile', async () => {
    const gate = new IoGate();
    expect(gate.tryEnter()).toBe(true);
    let ran = false;
    const job = gate.exclusive(async () => {
      ran = true;
    });
    expect(gate.tryEnter()).toBe(false);
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toBe(false);
    gate.leave();
    await job;
    expect(ran).toBe(true);
    expect(gate.tryEnter()).toBe(true);
    gate.leave();
  });

  it('runs jobs one at a time in order, and a failed job does not block the next', async () => {
    const gate = new IoGate();
    const log: string[] = [];
    const one = gate.exclusive(async () => {
      await new Promise((r) => setTimeout(r, 5));
      log.push('one');
      throw new Error('boom');
    });
    const two = gate.exclusive(async () => {
      log.push('two');
    });
    const work = gate.shared(async () => {
      log.push('work');
    });
    await expect(one).rejects.toThrow('boom');
    await Promise.all([two, work]);
    expect(log).toEqual(['one', 'two', 'work']);
  });

  it('lets shared work run together', async () => {
    const gate = new IoGate();
    let running = 0;
    let most = 0;
    await Promise.all(
      [1, 2, 3].map(() =>
        gate.shared(async () => {
          most = Math.max(most, ++running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
        }),
      ),
    );
    expect(most).toBe(3);
  });
});
