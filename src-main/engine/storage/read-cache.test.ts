import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkHolds, ReadCache, ReadCachePool } from './read-cache';
import { Storage } from './storage';
import { buildTorrent } from '../../testing/build-torrent';

describe('ReadCache', () => {
  const fill = (value: number) => async (into: Buffer) => {
    into.fill(value);
  };

  it('counts a first read as a miss and a second as a hit', async () => {
    const cache = new ReadCache(1000);
    expect((await cache.get(1, 100, fill(1)))[0]).toBe(1);
    expect((await cache.get(1, 100, fill(2)))[0]).toBe(1);
    expect(cache.stats).toEqual({ hits: 1, misses: 1, bytes: 100, entries: 1 });
  });

  it('evicts the least recently used chunk to stay within its byte budget', async () => {
    const cache = new ReadCache(300);
    await cache.get(1, 100, fill(1));
    await cache.get(2, 100, fill(2));
    await cache.get(3, 100, fill(3));
    await cache.get(1, 100, fill(9)); // 1 is now the most recent
    await cache.get(4, 150, fill(4)); // needs 150: evicts 2 and 3
    expect(cache.stats.bytes).toBeLessThanOrEqual(300);
    expect(cache.stats.entries).toBe(2);
    const misses = cache.stats.misses;
    await cache.get(1, 100, fill(9));
    expect(cache.stats.misses).toBe(misses);
    expect((await cache.get(2, 100, fill(7)))[0]).toBe(7);
    expect(cache.stats.misses).toBe(misses + 1);
  });

  it('shares one load among concurrent misses', async () => {
    const cache = new ReadCache(1000);
    let loads = 0;
    const load = async (into: Buffer) => {
      loads++;
      await new Promise((r) => setTimeout(r, 5));
      into.fill(5);
    };
    const all = await Promise.all([cache.get(1, 10, load), cache.get(1, 10, load), cache.get(1, 10, load)]);
    expect(loads).toBe(1);
    expect(all.every((b) => b[0] === 5)).toBe(true);
  });

  it('runs at most its limit of loads at once and queues the rest', async () => {
    const cache = new ReadCache(1 << 20, 3);
    let running = 0;
    let peak = 0;
    const load = async (into: Buffer) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      into.fill(1);
      running--;
    };
    const chunks = await Promise.all(Array.from({ length: 20 }, (_, i) => cache.get(i, 100, load)));
    expect(chunks).toHaveLength(20);
    expect(peak).toBe(3);
    expect(cache.stats.misses).toBe(20);
  });

  it('hands out but never keeps a chunk bigger than the budget', async () => {
    const cache = new ReadCache(50);
    expect((await cache.get(1, 100, fill(3))).length).toBe(100);
    expect(cache.stats).toMatchObject({ bytes: 0, entries: 0 });
  });

  it('does not keep a failed load', async () => {
    const cache = new ReadCache(1000);
    await expect(cache.get(1, 10, async () => Promise.reject(new Error('EIO')))).rejects.toThrow('EIO');
    expect((await cache.get(1, 10, fill(8)))[0]).toBe(8);
  });
});

describe('ReadCachePool', () => {
  const fill = (value: number) => async (into: Buffer) => {
    into.fill(value);
  };

  it('holds every torrent under one budget, evicting the least recently used whichever torrent holds it', async () => {
    const pool = new ReadCachePool(300);
    const a = new ReadCache(pool);
    const b = new ReadCache(pool);
    await a.get(1, 100, fill(1));
    await b.get(1, 100, fill(2)); // same key, another torrent: its own chunk
    await a.get(2, 100, fill(3));
    expect((await a.get(1, 100, fill(9)))[0]).toBe(1); // a's 1 is now the most recent
    await b.get(2, 100, fill(4)); // evicts b's 1, the least recently used
    expect(pool.stats).toEqual({ hits: 1, misses: 4, bytes: 300, entries: 3, budget: 300 });
    expect(a.stats).toEqual({ hits: 1, misses: 2, bytes: 200, entries: 2 });
    expect(b.stats).toEqual({ hits: 0, misses: 2, bytes: 100, entries: 1 });
    expect((await b.get(1, 100, fill(7)))[0]).toBe(7);
    expect(pool.stats.bytes).toBeLessThanOrEqual(300);
  });

  it("gives back a torrent's bytes when it clears, and shrinks at once when resized", async () => {
    const pool = new ReadCachePool(1000);
    const a = new ReadCache(pool);
    const b = new ReadCache(pool);
    for (let key = 0; key < 4; key++) await a.get(key, 100, fill(key));
    for (let key = 0; key < 4; key++) await b.get(key, 100, fill(key));
    a.clear();
    expect(pool.stats).toMatchObject({ bytes: 400, entries: 4 });
    expect(a.stats).toMatchObject({ bytes: 0, entries: 0 });
    pool.resize(250);
    expect(pool.stats).toMatchObject({ bytes: 200, entries: 2, budget: 250 });
    expect(b.stats).toMatchObject({ bytes: 200, entries: 2 });
    // The two kept are the most recent: 2 and 3.
    const misses = b.stats.misses;
    await b.get(3, 100, fill(0));
    expect(b.stats.misses).toBe(misses);
    pool.resize(0);
    expect(pool.stats).toMatchObject({ bytes: 0, entries: 0 });
    expect(() => pool.resize(-1)).toThrow(RangeError);
  });
});

describe('ChunkHolds: reusing evicted chunks\' buffers', () => {
  const fill = (value: number) => async (into: Buffer) => {
    into.fill(value);
  };

  it('reuses an evicted chunk\'s buffer only once its holds are released', async () => {
    const cache = new ReadCache(200);
    const holds = new ChunkHolds();
    const first = await cache.get(1, 100, fill(1), holds);
    await cache.get(2, 100, fill(2));
    await cache.get(3, 100, fill(3)); // evicts 1, still held
    const fourth = await cache.get(4, 100, fill(4)); // evicts 2, pinned: handed out without holds
    expect(fourth).not.toBe(first);
    expect(first[0]).toBe(1);
    holds.release();
    const fifth = await cache.get(5, 100, fill(5)); // evicts 3: the spare is 1's buffer
    expect(fifth).toBe(first);
    expect(first[0]).toBe(5);
  });

  it('never reuses a chunk handed out without holds, even after others release it', async () => {
    const cache = new ReadCache(100);
    const holds = new ChunkHolds();
    const held = await cache.get(1, 100, fill(1), holds);
    const unheld = await cache.get(1, 100, fill(9));
    holds.release();
    const next = await cache.get(2, 100, fill(2)); // evicts 1
    expect(next).not.toBe(held);
    expect(unheld[0]).toBe(1);
  });

  it('holds a chunk for every waiter of one load before any of them has it', async () => {
    const cache = new ReadCache(100);
    const a = new ChunkHolds();
    const b = new ChunkHolds();
    const slow = async (into: Buffer) => {
      await new Promise((r) => setTimeout(r, 5));
      into.fill(7);
    };
    const [chunkA, chunkB] = await Promise.all([cache.get(1, 100, slow, a), cache.get(1, 100, slow, b)]);
    expect(chunkB).toBe(chunkA);
    await cache.get(2, 100, fill(2), new ChunkHolds()); // evicts 1
    a.release();
    expect(await cache.get(3, 100, fill(3))).not.toBe(chunkA); // b still holds it
    expect(chunkA[0]).toBe(7);
    b.release();
    // 1 went out of the cache long ago; with both released, its buffer is the next load's.
    const reused = await cache.get(4, 100, fill(4));
    expect(reused).toBe(chunkA);
  });

  it('keeps no more spare buffers than the budget: shrinking drops them', async () => {
    const pool = new ReadCachePool(200);
    const cache = new ReadCache(pool);
    const holds = new ChunkHolds();
    const first = await cache.get(1, 100, fill(1), holds);
    holds.release();
    cache.clear(); // 1 is a spare now
    pool.resize(50); // too small for it
    pool.resize(200);
    expect(await cache.get(2, 100, fill(2))).not.toBe(first);
    expect(first[0]).toBe(1);
  });

  it('reuses a spare only for a chunk of its size', async () => {
    const cache = new ReadCache(300);
    const holds = new ChunkHolds();
    const first = await cache.get(1, 100, fill(1), holds);
    holds.release();
    cache.clear();
    expect(await cache.get(2, 50, fill(2))).not.toBe(first);
    expect(await cache.get(3, 100, fill(3))).toBe(first);
  });
});

describe('Storage.readBlock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shoal-read-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function seeded(pieceLength: number, length: number, readCacheBytes: number) {
    const { metainfo, content } = buildTorrent({
      name: 'seed',
      pieceLength,
      files: [
        { path: ['a'], length: Math.floor(length / 3) },
        { path: ['b'], length: length - Math.floor(length / 3) },
      ],
    });
    await fs.mkdir(path.join(dir, 'seed'), { recursive: true });
    await fs.writeFile(path.join(dir, 'seed', 'a'), content.subarray(0, Math.floor(length / 3)));
    await fs.writeFile(path.join(dir, 'seed', 'b'), content.subarray(Math.floor(length / 3)));
    const storage = Storage.open(metainfo, dir, { readCacheBytes });
    expect((await storage.check()).complete).toBe(true);
    return { storage, content };
  }

  it('serves blocks across files from one cached piece read', async () => {
    const { storage, content } = await seeded(65536, 300_000, 1 << 20);
    for (let begin = 0; begin < 65536; begin += 16384) {
      const block = await storage.readBlock(1, begin, 16384);
      expect(Buffer.from(block).equals(content.subarray(65536 + begin, 65536 + begin + 16384))).toBe(true);
    }
    expect(storage.readCacheStats).toMatchObject({ misses: 1, hits: 3, bytes: 65536, entries: 1 });
    await storage.close();
  });

  it('keeps within the byte budget while seeding many pieces', async () => {
    const { storage, content } = await seeded(65536, 1_000_000, 200_000);
    for (let piece = 0; piece < storage.layout.pieceCount; piece++) {
      const length = Math.min(16384, storage.layout.pieceSize(piece));
      const block = await storage.readBlock(piece, 0, length);
      expect(Buffer.from(block).equals(content.subarray(piece * 65536, piece * 65536 + length))).toBe(true);
      expect(storage.readCacheStats.bytes).toBeLessThanOrEqual(200_000);
    }
    expect(storage.readCacheStats.entries).toBe(3);
    // Piece 0 was evicted long ago: reading it again is a miss.
    const misses = storage.readCacheStats.misses;
    await storage.readBlock(0, 0, 16384);
    expect(storage.readCacheStats.misses).toBe(misses + 1);
    await storage.close();
  });

  it('caches large pieces in 1 MiB chunks and serves a request straddling two', async () => {
    const { storage, content } = await seeded(4 << 20, 9 << 20, 16 << 20);
    const begin = (1 << 20) - 1000;
    const block = await storage.readBlock(1, begin, 16384);
    expect(Buffer.from(block).equals(content.subarray((4 << 20) + begin, (4 << 20) + begin + 16384))).toBe(true);
    expect(storage.readCacheStats).toMatchObject({ misses: 2, bytes: 2 << 20 });
    await storage.close();
  });

  it('gives a cached block at once, held, and nothing for a block it must read or one straddling two chunks', async () => {
    const { storage, content } = await seeded(4 << 20, 9 << 20, 16 << 20);
    const holds = new ChunkHolds();
    expect(storage.cachedBlock(1, 0, 16384, holds)).toBeUndefined();
    expect(storage.readCacheStats).toMatchObject({ hits: 0, misses: 0 });
    await storage.readBlock(1, 0, 16384);
    const block = storage.cachedBlock(1, 16384, 16384, holds);
    expect(Buffer.from(block!).equals(content.subarray((4 << 20) + 16384, (4 << 20) + 32768))).toBe(true);
    expect(storage.readCacheStats).toMatchObject({ hits: 1, misses: 1 });
    await storage.readBlock(1, 1 << 20, 16384); // the next chunk is cached too
    expect(storage.cachedBlock(1, (1 << 20) - 1000, 16384, holds)).toBeUndefined();
    expect(() => storage.cachedBlock(1, 60_000_000, 16384, holds)).toThrow(expect.objectContaining({ code: 'protocol' }));
    holds.release();
    await storage.close();
  });

  it('refuses requests out of range or larger than the limit', async () => {
    const { storage } = await seeded(65536, 300_000, 1 << 20);
    await expect(storage.readBlock(0, 60000, 16384)).rejects.toMatchObject({ code: 'protocol' });
    await expect(storage.readBlock(0, 0, 0)).rejects.toMatchObject({ code: 'protocol' });
    await expect(storage.readBlock(0, -1, 10)).rejects.toMatchObject({ code: 'protocol' });
    await expect(storage.readBlock(0, 0, 65536)).resolves.toHaveLength(65536);
    await expect(storage.readBlock(99, 0, 10)).rejects.toMatchObject({ code: 'protocol' });
    await storage.close();
    const big = await seeded(1 << 20, 2 << 20, 1 << 20);
    await expect(big.storage.readBlock(0, 0, 256 * 1024)).rejects.toMatchObject({ code: 'protocol' });
    await big.storage.close();
  });

  it("uses the session's pool when given one, and gives its bytes back as it closes", async () => {
    const pool = new ReadCachePool(1 << 20);
    const { metainfo, content } = buildTorrent({ name: 'pooled', pieceLength: 65536, files: [{ path: ['a'], length: 100_000 }, { path: ['b'], length: 100_000 }] });
    await fs.mkdir(path.join(dir, 'pooled'), { recursive: true });
    await fs.writeFile(path.join(dir, 'pooled', 'a'), content.subarray(0, 100_000));
    await fs.writeFile(path.join(dir, 'pooled', 'b'), content.subarray(100_000));
    const storage = Storage.open(metainfo, dir, { readCache: pool });
    expect((await storage.check()).complete).toBe(true);
    await storage.readBlock(0, 0, 16384);
    await storage.readBlock(0, 16384, 16384);
    expect(pool.stats).toMatchObject({ hits: 1, misses: 1, bytes: 65536, entries: 1 });
    await storage.close();
    expect(pool.stats).toMatchObject({ bytes: 0, entries: 0 });
  });
});
