import { describe, expect, it } from 'vitest';
import { HandlePool } from './handle-pool';
import type { StorageFile } from './safe-open';

/** Fake handles that record opens and closes. */
function tracker() {
  const open = new Set<string>();
  let opens = 0;
  const openFn = async (file: number, writable: boolean): Promise<StorageFile> => {
    const key = `${file}${writable ? 'w' : 'r'}#${opens++}`;
    open.add(key);
    const fail = async (): Promise<never> => Promise.reject(new Error('not used'));
    return { read: fail, write: fail, writev: fail, stat: fail, truncate: fail, close: async () => void open.delete(key) };
  };
  return { open, openFn, opens: () => opens };
}

describe('HandlePool', () => {
  it('reuses a handle and never keeps more than its capacity open', async () => {
    const t = tracker();
    const pool = new HandlePool(t.openFn, 3);
    for (let i = 0; i < 20; i++) await pool.use(i % 5, true, async () => undefined);
    await new Promise((r) => setImmediate(r));
    expect(pool.size).toBe(3);
    expect(t.open.size).toBe(3);
    const before = t.opens();
    await pool.use(4, true, async () => undefined);
    expect(t.opens()).toBe(before);
    await pool.closeAll();
    expect(t.open.size).toBe(0);
  });

  it('evicts the least recently used handle, however often the newest one was used again', async () => {
    const t = tracker();
    const pool = new HandlePool(t.openFn, 2);
    const use = (file: number) => pool.use(file, true, async () => undefined);
    await use(0);
    await use(1);
    for (let i = 0; i < 5; i++) await use(1);
    await use(0); // 0 is now the newest, 1 the oldest
    await use(2); // evicts 1
    await new Promise((r) => setImmediate(r));
    expect([...t.open].map((k) => k.split('#')[0]).sort()).toEqual(['0w', '2w']);
    await use(2);
    await use(1); // reopens 1 and evicts 0, the oldest
    await new Promise((r) => setImmediate(r));
    expect([...t.open].map((k) => k.split('#')[0]).sort()).toEqual(['1w', '2w']);
    await pool.closeAll();
  });

  it('lets readers use an open writable handle', async () => {
    const t = tracker();
    const pool = new HandlePool(t.openFn, 4);
    await pool.use(0, true, async () => undefined);
    await pool.use(0, false, async () => undefined);
    expect(t.opens()).toBe(1);
  });

  it('never closes a handle while it is in use, even past capacity', async () => {
    const t = tracker();
    const pool = new HandlePool(t.openFn, 1);
    let release!: () => void;
    const held = pool.use(0, true, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setImmediate(r));
    await pool.use(1, true, async () => undefined);
    await new Promise((r) => setImmediate(r));
    expect([...t.open].some((k) => k.startsWith('0w'))).toBe(true);
    release();
    await held;
    await pool.closeAll();
    expect(t.open.size).toBe(0);
  });

  it('closes a busy handle once its use ends after closeAll', async () => {
    const t = tracker();
    const pool = new HandlePool(t.openFn, 4);
    let release!: () => void;
    const held = pool.use(0, true, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setImmediate(r));
    await pool.closeAll();
    expect(t.open.size).toBe(1);
    release();
    await held;
    await new Promise((r) => setImmediate(r));
    expect(t.open.size).toBe(0);
  });

  it('retries an open that failed', async () => {
    let calls = 0;
    const pool = new HandlePool(async () => {
      if (calls++ === 0) throw new Error('EMFILE');
      return undefined;
    }, 2);
    await expect(pool.use(0, false, async () => 'x')).rejects.toThrow('EMFILE');
    await new Promise((r) => setImmediate(r));
    await expect(pool.use(0, false, async (h) => h)).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});
