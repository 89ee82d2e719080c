import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildTorrent } from '../../testing/build-torrent';
import { Storage } from './storage';

// Counts the hash workers started, to tell that a large check went to them.
const started = vi.hoisted(() => ({ workers: 0 }));
vi.mock('node:worker_threads', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:worker_threads')>();
  class CountedWorker extends original.Worker {
    constructor(...args: ConstructorParameters<typeof original.Worker>) {
      super(...args);
      started.workers++;
    }
  }
  return { ...original, Worker: CountedWorker };
});

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shoal-check-workers-'));
  started.workers = 0;
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const MiB = 1 << 20;

async function put(name: string[], data: Uint8Array): Promise<void> {
  const p = path.join(dir, ...name);
  await fs.mkdir(path.dirname(p), { recursive: true });
  await fs.writeFile(p, data);
}

const bits = (have: { size: number; has(i: number): boolean }) => [...Array(have.size).keys()].filter((i) => have.has(i));

describe('a large v1 check', () => {
  it('is hashed by worker threads, with pad files as zeros, damaged, short and missing files found', async () => {
    const { metainfo, content } = buildTorrent({
      name: 'big',
      pieceLength: MiB,
      files: [
        { path: ['a'], length: 20 * MiB + 100 },
        { path: ['.pad', '1'], length: MiB - 100, pad: true },
        { path: ['b'], length: 16 * MiB },
        { path: ['c'], length: 4 * MiB },
        { path: ['d'], length: 10 * MiB },
      ],
    });
    const a = Buffer.from(content.subarray(0, 20 * MiB + 100));
    a[3 * MiB + 5] = a[3 * MiB + 5]! ^ 0xff; // piece 3 damaged
    await put(['big', 'a'], a);
    await put(['big', 'b'], content.subarray(21 * MiB, 36 * MiB)); // a MiB short: piece 36 missing
    // c (pieces 37 to 40) missing
    await put(['big', 'd'], content.subarray(41 * MiB));
    const storage = Storage.open(metainfo, dir);
    const progress: number[] = [];
    const have = await storage.check((done) => progress.push(done));
    await storage.close();
    expect(started.workers).toBeGreaterThan(0);
    const expected = [...Array(metainfo.pieceCount).keys()].filter((p) => p !== 3 && (p < 36 || p > 40));
    expect(bits(have)).toEqual(expected);
    expect(progress).toEqual([...Array(metainfo.pieceCount).keys()].map((i) => i + 1));
  });

  it('stays on this thread for small torrents', async () => {
    const { metainfo, content } = buildTorrent({ name: 'small', pieceLength: 16384, files: [{ path: ['a'], length: 100_000 }, { path: ['b'], length: 10 }] });
    await put(['small', 'a'], content.subarray(0, 100_000));
    await put(['small', 'b'], content.subarray(100_000));
    const storage = Storage.open(metainfo, dir);
    expect((await storage.check()).complete).toBe(true);
    await storage.close();
    expect(started.workers).toBe(0);
  });
});
