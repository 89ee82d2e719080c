import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import os, { availableParallelism } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkPieces } from './check';
import { Storage } from './storage';
import { buildTorrent } from '../../testing/build-torrent';
import { buildV2Torrent } from '../../testing/v2-torrent';
import { bencode } from '../bencode';
import { parseTorrent } from '../metainfo/parse-torrent';

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
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shoal-check-'));
  started.workers = 0;
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const torrent = () =>
  buildTorrent({
    name: 'set',
    pieceLength: 16384,
    files: [
      { path: ['a'], length: 40000 },
      { path: ['.pad', '9152'], length: 9152, pad: true },
      { path: ['dir', 'b'], length: 50000 },
      { path: ['c'], length: 0 },
      { path: ['d'], length: 30000 },
    ],
  });

async function put(name: string[], data: Buffer): Promise<void> {
  const p = path.join(dir, ...name);
  await fs.mkdir(path.dirname(p), { recursive: true });
  await fs.writeFile(p, data);
}

const bits = (have: { size: number; has(i: number): boolean }) => [...Array(have.size).keys()].filter((i) => have.has(i));

describe('checkPieces', () => {
  it('finds everything present, with pad bytes as zeros and without the pad file on disk', async () => {
    const { metainfo, content } = torrent();
    await put(['set', 'a'], content.subarray(0, 40000));
    await put(['set', 'dir', 'b'], content.subarray(49152, 99152));
    await put(['set', 'd'], content.subarray(99152));
    const have = await checkPieces(metainfo, dir);
    expect(have.complete).toBe(true);
  });

  it('marks pieces of missing and short files missing, without an error', async () => {
    const { metainfo, content } = torrent();
    // a: missing; dir/b: complete; d: only its first 20000 of 30000 bytes.
    await put(['set', 'dir', 'b'], content.subarray(49152, 99152));
    await put(['set', 'd'], content.subarray(99152, 119152));
    const have = await checkPieces(metainfo, dir);
    // a and its pad fill pieces 0-2 exactly; b is 3-6 (6 ends 15536 bytes into d); 7 is d's missing tail.
    expect(bits(have)).toEqual([3, 4, 5, 6]);
  });

  it('finds a piece changed on disk bad and the rest good', async () => {
    const { metainfo, content } = torrent();
    const b = Buffer.from(content.subarray(49152, 99152));
    b[20000]! ^= 1;
    await put(['set', 'a'], content.subarray(0, 40000));
    await put(['set', 'dir', 'b'], b);
    await put(['set', 'd'], content.subarray(99152));
    const have = await checkPieces(metainfo, dir);
    const badPiece = Math.floor((49152 + 20000) / 16384);
    expect(bits(have)).toEqual([...Array(metainfo.pieceCount).keys()].filter((i) => i !== badPiece));
  });

  it('ignores bytes past a file’s length', async () => {
    const { metainfo, content } = buildTorrent({ name: 'long', pieceLength: 16384, files: [{ path: ['long'], length: 20000 }] });
    await put(['long'], Buffer.concat([content, Buffer.alloc(5000, 7)]));
    expect((await checkPieces(metainfo, dir)).complete).toBe(true);
  });

  it('returns all-missing when the download folder does not exist', async () => {
    const { metainfo } = torrent();
    const have = await checkPieces(metainfo, path.join(dir, 'nowhere'));
    expect(have.count).toBe(0);
    await expect(fs.access(path.join(dir, 'nowhere'))).rejects.toThrow();
  });

  it('hashes across many read chunks and large pieces', async () => {
    const { metainfo, content } = buildTorrent({
      name: 'big',
      pieceLength: 1 << 20,
      files: [
        { path: ['x'], length: 5_000_000 },
        { path: ['y'], length: 4_500_001 },
      ],
    });
    await put(['big', 'x'], content.subarray(0, 5_000_000));
    await put(['big', 'y'], content.subarray(5_000_000));
    const have = await checkPieces(metainfo, dir);
    expect(have.size).toBe(10);
    expect(have.complete).toBe(true);
  });

  it('stops when aborted', async () => {
    const { metainfo, content } = torrent();
    await put(['set', 'a'], content.subarray(0, 40000));
    const controller = new AbortController();
    const seen: number[] = [];
    const run = checkPieces(
      metainfo,
      dir,
      (done) => {
        seen.push(done);
        if (done === 1) controller.abort();
      },
      controller.signal,
    );
    await expect(run).rejects.toThrow();
    expect(seen.length).toBeLessThan(metainfo.pieceCount);
  });

  it('Storage.check replaces have and lets verified pieces be read', async () => {
    const { metainfo, content } = torrent();
    await put(['set', 'a'], content.subarray(0, 40000));
    const storage = Storage.open(metainfo, dir);
    const progress: number[] = [];
    const have = await storage.check((done) => progress.push(done));
    expect(progress).toEqual([...Array(metainfo.pieceCount).keys()].map((i) => i + 1));
    expect(bits(have)).toEqual([0, 1, 2]);
    expect(bits(storage.have)).toEqual([0, 1, 2]);
    expect(storage.have.count).toBe(3);
    expect(Buffer.from(await storage.readBlock(1, 0, 16384)).equals(content.subarray(16384, 32768))).toBe(true);
    await expect(storage.readBlock(3, 0, 16384)).rejects.toMatchObject({ code: 'protocol' });
    await storage.close();
  });
});

const MiB = 1 << 20;

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

  it('runs one check at a time on the workers; one started meanwhile hashes here', async () => {
    const { metainfo, content } = buildTorrent({ name: 'twice', pieceLength: MiB, files: [{ path: ['a'], length: 40 * MiB }, { path: ['b'], length: 1 }] });
    await put(['twice', 'a'], content.subarray(0, 40 * MiB));
    await put(['twice', 'b'], content.subarray(40 * MiB));
    const first = Storage.open(metainfo, dir);
    const second = Storage.open(metainfo, dir);
    const [a, b] = await Promise.all([first.check(), second.check()]);
    await Promise.all([first.close(), second.close()]);
    expect([a.complete, b.complete]).toEqual([true, true]);
    // One check's workers: one per core (at most four), not twice that.
    expect(started.workers).toBeGreaterThan(0);
    expect(started.workers).toBeLessThanOrEqual(Math.min(availableParallelism(), 4));
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

describe('a large v2 or hybrid check', () => {
  // Files start pieces (BEP 52): a 21 pieces, b 1 (checked against its root), c none, d 16, e 4, f 4.
  const specs = [
    { path: ['a'], data: randomBytes(20 * MiB + 100) },
    { path: ['b'], data: randomBytes(5000) },
    { path: ['c'], data: Buffer.alloc(0) },
    { path: ['d'], data: randomBytes(16 * MiB) },
    { path: ['e'], data: randomBytes(4 * MiB) },
    { path: ['f'], data: randomBytes(3 * MiB + 7) },
  ];
  const make = (hybrid: boolean, layers = true) => {
    const parts = buildV2Torrent({ name: 'tree', pieceLength: MiB, files: specs, hybrid });
    return parseTorrent(bencode({ info: parts.info, 'piece layers': layers ? parts.pieceLayers : new Map() }), { pieceLayersLater: !layers });
  };
  const putDamaged = async (): Promise<void> => {
    const a = Buffer.from(specs[0]!.data);
    a[3 * MiB + 5]! ^= 0xff; // piece 3
    await put(['tree', 'a'], a);
    const b = Buffer.from(specs[1]!.data);
    b[4000]! ^= 1; // piece 21, b's only piece
    await put(['tree', 'b'], b);
    await put(['tree', 'c'], specs[2]!.data);
    await put(['tree', 'd'], specs[3]!.data.subarray(0, 15 * MiB)); // a MiB short: piece 37 missing
    // e (pieces 38 to 41) missing
    await put(['tree', 'f'], specs[5]!.data);
  };

  for (const hybrid of [false, true]) {
    it(`${hybrid ? 'hybrid' : 'v2-only'}: is hashed by worker threads; damaged, short and missing files found`, async () => {
      const metainfo = make(hybrid);
      expect(metainfo.pieceCount).toBe(46);
      await putDamaged();
      const storage = Storage.open(metainfo, dir);
      const progress: number[] = [];
      const have = await storage.check((done) => progress.push(done));
      await storage.close();
      expect(started.workers).toBeGreaterThan(0);
      expect(bits(have)).toEqual([...Array(46).keys()].filter((p) => p !== 3 && p !== 21 && (p < 37 || p > 41)));
      expect(progress).toEqual([...Array(46).keys()].map((i) => i + 1));
    });
  }

  it('without piece layers yet (a magnet), a hybrid piece passes on its SHA-1 and a v2-only one only by its file root', async () => {
    await putDamaged();
    const hybrid = Storage.open(make(true, false), dir);
    const v2 = Storage.open(make(false, false), dir);
    const hybridHave = bits(await hybrid.check());
    const v2Have = bits(await v2.check());
    await Promise.all([hybrid.close(), v2.close()]);
    expect(started.workers).toBeGreaterThan(0);
    expect(hybridHave).toEqual([...Array(46).keys()].filter((p) => p !== 3 && p !== 21 && (p < 37 || p > 41)));
    // A v2-only piece of a file longer than a piece waits for its layer; b, checked by its root, is damaged.
    expect(v2Have).toEqual([]);
  });
});

describe('a check of more files than the workers hold open at once', () => {
  // 600 files of 0 to 130 kB, pieces crossing them: batches of at most 256 open files.
  const specs = Array.from({ length: 600 }, (_, i) => ({ path: ['many', `f${i}`], length: i % 97 === 0 ? 0 : ((i * 7919) % 130_000) + 1 }));

  it('v1: hashes batch after batch on the same worker threads; a damaged and a missing file are found', async () => {
    const { metainfo, content } = buildTorrent({ name: 'lots', pieceLength: 65_536, files: specs });
    expect(content.length).toBeGreaterThan(32 * MiB);
    let offset = 0;
    const offsets = specs.map((f) => ((offset += f.length), offset - f.length));
    for (const [i, f] of specs.entries()) {
      if (i === 300) continue; // missing
      const data = Buffer.from(content.subarray(offsets[i]!, offsets[i]! + f.length));
      if (i === 450) data[10]! ^= 1; // damaged
      await put(['lots', ...f.path], data);
    }
    const fds = readdirSync('/proc/self/fd').length;
    const storage = Storage.open(metainfo, dir);
    const progress: number[] = [];
    const have = await storage.check((done) => progress.push(done));
    await storage.close();
    // Every batch's files were closed, the one opened ahead included.
    expect(readdirSync('/proc/self/fd').length).toBe(fds);
    // The workers were started once for all the batches.
    expect(started.workers).toBeGreaterThan(0);
    expect(started.workers).toBeLessThanOrEqual(Math.min(availableParallelism(), 4));
    const touches = (i: number, piece: number) => offsets[i]! < (piece + 1) * 65_536 && offsets[i]! + specs[i]!.length > piece * 65_536;
    const expected = [...Array(metainfo.pieceCount).keys()].filter((p) => !touches(300, p) && !(offsets[450]! + 10 >= p * 65_536 && offsets[450]! + 10 < (p + 1) * 65_536));
    expect(bits(have)).toEqual(expected);
    expect(expected.length).toBeLessThan(metainfo.pieceCount - 1);
    expect(progress).toEqual([...Array(metainfo.pieceCount).keys()].map((i) => i + 1));
  });

  it('v2: files start pieces; every piece found by the workers', async () => {
    // In file-tree order (bytes of the names), as buildV2Torrent wants them.
    const sorted = [...specs].sort((a, b) => Buffer.compare(Buffer.from(a.path[1]!), Buffer.from(b.path[1]!)));
    const data = sorted.map((f) => randomBytes(f.length));
    const parts = buildV2Torrent({ name: 'lots2', pieceLength: 65_536, files: sorted.map((f, i) => ({ path: f.path, data: data[i]! })) });
    const metainfo = parseTorrent(bencode({ info: parts.info, 'piece layers': parts.pieceLayers }));
    expect(metainfo.files.filter((f) => !f.pad).length).toBe(600);
    for (const [i, f] of sorted.entries()) await put(['lots2', ...f.path], data[i]!);
    const storage = Storage.open(metainfo, dir);
    const have = await storage.check();
    await storage.close();
    expect(started.workers).toBeGreaterThan(0);
    expect(have.complete).toBe(true);
  });

  it('stays on this thread when one piece spans more files than a batch holds', async () => {
    const small = Array.from({ length: 700 }, (_, i) => ({ path: [`s${i}`], length: 55_000 }));
    const { metainfo, content } = buildTorrent({ name: 'wide', pieceLength: 16 * MiB, files: small });
    for (const [i, f] of small.entries()) await put(['wide', ...f.path], content.subarray(i * 55_000, (i + 1) * 55_000));
    const storage = Storage.open(metainfo, dir);
    expect((await storage.check()).complete).toBe(true);
    await storage.close();
    expect(started.workers).toBe(0);
  });
});
