import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Bitfield } from '../../../src-shared/bitfield';
import { ShoalError } from '../../../src-shared/errors';
import type { Metainfo } from '../metainfo/metainfo';
import { openFile, type OpenFile } from './safe-open';
import { Storage } from './storage';
import { buildTorrent } from '../../testing/build-torrent';
import { writeBlock } from '../../testing/write-block';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shoal-storage-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Every block of every piece, in order. */
function blocksOf(storage: Storage, content: Buffer): { piece: number; begin: number; data: Buffer }[] {
  const out = [];
  const { layout } = storage;
  for (let piece = 0; piece < layout.pieceCount; piece++) {
    for (let b = 0; b < layout.blockCount(piece); b++) {
      const begin = b * layout.blockSize;
      const at = layout.pieceOffset(piece) + begin;
      out.push({ piece, begin, data: content.subarray(at, at + layout.blockLength(piece, b)) });
    }
  }
  return out;
}

/**
 * Real files with a hook run before every read or write (`write` and `writev` alike), for tests
 * that slow, hold or fail the disk. `file` is the path the handle was opened for.
 */
function hookedFiles(hooks: { beforeRead?: (file: string) => unknown; beforeWrite?: (file: string) => unknown }): OpenFile {
  return async (p, flags, mode) => {
    const real = await openFile(p, flags, mode);
    return {
      read: async (...a) => {
        await hooks.beforeRead?.(p);
        return real.read(...a);
      },
      stat: () => real.stat(),
      truncate: (n) => real.truncate(n),
      close: () => real.close(),
      write: async (...a) => {
        await hooks.beforeWrite?.(p);
        return real.write(...a);
      },
      writev: async (...a) => {
        await hooks.beforeWrite?.(p);
        return real.writev(...a);
      },
    };
  };
}

async function writeAll(storage: Storage, content: Buffer, order?: (blocks: ReturnType<typeof blocksOf>) => ReturnType<typeof blocksOf>) {
  const blocks = blocksOf(storage, content);
  const outcomes = await Promise.all((order ? order(blocks) : blocks).map((b) => writeBlock(storage, b.piece, b.begin, b.data)));
  return outcomes;
}

/** A deterministic shuffle, so a failure reproduces. */
function shuffle<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const multi = () =>
  buildTorrent({
    name: 'multi',
    pieceLength: 65536,
    files: [
      { path: ['a.bin'], length: 20000 },
      { path: ['sub', 'b.bin'], length: 30000 },
      { path: ['sub', 'deeper', 'c.bin'], length: 5000 },
      { path: ['empty.txt'], length: 0 },
      { path: ['d.bin'], length: 150000 },
    ],
  });

async function expectFiles(metainfo: Metainfo, content: Buffer): Promise<void> {
  for (const f of metainfo.files) {
    if (f.pad) continue;
    const p = metainfo.multiFile ? path.join(dir, metainfo.name, ...f.path) : path.join(dir, metainfo.name);
    expect((await fs.readFile(p)).equals(content.subarray(f.offset, f.offset + f.length))).toBe(true);
  }
}

describe('Storage writing', () => {
  it('writes blocks spanning files in order, verifies every piece, creates empty files', async () => {
    const { metainfo, content } = multi();
    const storage = Storage.open(metainfo, dir);
    const outcomes = await writeAll(storage, content);
    expect(outcomes.filter((o) => o === 'verified')).toHaveLength(metainfo.pieceCount);
    expect(outcomes.filter((o) => o !== 'verified' && o !== 'stored')).toEqual([]);
    expect(storage.have.complete).toBe(true);
    await storage.close();
    await expectFiles(metainfo, content);
    expect((await fs.stat(path.join(dir, 'multi', 'empty.txt'))).size).toBe(0);
  });

  it('verifies pieces whose blocks arrive out of order and interleaved across pieces', async () => {
    const { metainfo, content } = multi();
    const storage = Storage.open(metainfo, dir);
    const outcomes = await writeAll(storage, content, (b) => shuffle(b));
    expect(outcomes.filter((o) => o === 'verified')).toHaveLength(metainfo.pieceCount);
    expect(storage.piecesInProgress).toBe(0);
    await storage.close();
    await expectFiles(metainfo, content);
  });

  it('writes blocks one at a time out of order (read-back path)', async () => {
    const { metainfo, content } = multi();
    const storage = Storage.open(metainfo, dir);
    const results = [];
    for (const b of blocksOf(storage, content).reverse()) results.push(await writeBlock(storage, b.piece, b.begin, b.data));
    expect(results.filter((o) => o === 'verified')).toHaveLength(metainfo.pieceCount);
    await storage.close();
    await expectFiles(metainfo, content);
  });

  it('tells each outcome after writeBlock returned, and a check waits for the writes started before it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { metainfo, content } = multi();
    let holding = false;
    const storage = Storage.open(metainfo, dir, { openFile: hookedFiles({ beforeWrite: () => (holding ? held : undefined) }) });
    const [first, ...blocks] = blocksOf(storage, content);
    // The first write makes the files; the others are then held on their way to the disk.
    expect(await writeBlock(storage, first!.piece, first!.begin, first!.data)).toBe('stored');
    holding = true;
    const outcomes: string[] = [];
    let inside = false;
    for (const b of blocks) {
      inside = true;
      storage.writeBlock(b.piece, b.begin, b.data, (err, outcome) => outcomes.push(inside ? 'told inside writeBlock' : (outcome ?? `error ${String(err)}`)));
      inside = false;
    }
    let checked = false;
    const check = storage.check().then((have) => {
      checked = true;
      return have;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(checked).toBe(false);
    expect(outcomes).toEqual([]);
    release();
    const have = await check;
    expect(outcomes).toHaveLength(blocks.length);
    expect(outcomes.filter((o) => o === 'verified')).toHaveLength(metainfo.pieceCount);
    expect(outcomes.filter((o) => o !== 'verified' && o !== 'stored')).toEqual([]);
    expect(have.complete).toBe(true);
    await storage.close();
  });

  it('reports a piece with bad data as failed, forgets its blocks and accepts a good copy', async () => {
    const { metainfo, content } = multi();
    const storage = Storage.open(metainfo, dir);
    const blocks = blocksOf(storage, content).filter((b) => b.piece === 1);
    const bad = Buffer.from(blocks[2]!.data);
    bad[100]! ^= 0xff;
    const first = [];
    for (const b of blocks) first.push(await writeBlock(storage, b.piece, b.begin, b === blocks[2] ? bad : b.data));
    expect(first).toEqual(['stored', 'stored', 'stored', 'failed']);
    expect(storage.have.has(1)).toBe(false);
    const second = [];
    for (const b of blocks) second.push(await writeBlock(storage, b.piece, b.begin, b.data));
    expect(second).toEqual(['stored', 'stored', 'stored', 'verified']);
    expect(storage.have.has(1)).toBe(true);
    await storage.close();
  });

  it('ignores a second copy of a block, and blocks of verified pieces', async () => {
    const { metainfo, content } = multi();
    const storage = Storage.open(metainfo, dir);
    const [b0, b1] = blocksOf(storage, content);
    expect(await writeBlock(storage, b0!.piece, b0!.begin, b0!.data)).toBe('stored');
    // A corrupt duplicate must not overwrite the good copy already hashed.
    expect(await writeBlock(storage, b0!.piece, b0!.begin, Buffer.alloc(b0!.data.length))).toBe('duplicate');
    await writeAll(storage, content, (bs) => bs.filter((b) => b.piece === 0 && b.begin !== 0));
    expect(storage.have.has(0)).toBe(true);
    expect(await writeBlock(storage, b1!.piece, b1!.begin, b1!.data)).toBe('duplicate');
    await storage.close();
  });

  it('refuses misaligned, wrong-sized and out-of-range blocks', async () => {
    const { metainfo } = multi();
    const storage = Storage.open(metainfo, dir);
    const block = Buffer.alloc(16384);
    await expect(writeBlock(storage, 0, 100, block)).rejects.toMatchObject({ code: 'protocol' });
    await expect(writeBlock(storage, 0, 0, block.subarray(0, 1000))).rejects.toMatchObject({ code: 'protocol' });
    await expect(writeBlock(storage, 99, 0, block)).rejects.toMatchObject({ code: 'protocol' });
    await expect(writeBlock(storage, 0, 65536, block)).rejects.toMatchObject({ code: 'protocol' });
    await storage.close();
  });

  it('handles a short last piece with a short last block', async () => {
    const { metainfo, content } = buildTorrent({ name: 'one.bin', pieceLength: 32768, files: [{ path: ['one.bin'], length: 100000 }] });
    const storage = Storage.open(metainfo, dir);
    expect(storage.layout.pieceSize(3)).toBe(100000 - 3 * 32768);
    const outcomes = await writeAll(storage, content, (b) => shuffle(b, 3));
    expect(outcomes.filter((o) => o === 'verified')).toHaveLength(4);
    await storage.close();
    expect((await fs.readFile(path.join(dir, 'one.bin'))).equals(content)).toBe(true);
  });

  it('never creates pad files, and reads their bytes as zeros', async () => {
    const { metainfo, content } = buildTorrent({
      name: 'padded',
      pieceLength: 32768,
      files: [
        { path: ['a'], length: 30000 },
        { path: ['.pad', '2768'], length: 2768, pad: true },
        { path: ['b'], length: 40000 },
      ],
    });
    const storage = Storage.open(metainfo, dir);
    const outcomes = await writeAll(storage, content, (b) => shuffle(b));
    expect(outcomes.filter((o) => o === 'verified')).toHaveLength(3);
    expect(existsSync(path.join(dir, 'padded', '.pad'))).toBe(false);
    const read = await storage.readBlock(0, 16384, 16384);
    expect(Buffer.from(read).equals(content.subarray(16384, 32768))).toBe(true);
    expect(read.subarray(30000 - 16384).every((b) => b === 0)).toBe(true);
    expect(await storage.verifyPiece(0)).toBe(true);
    await storage.close();
    await expectFiles(metainfo, content);
  });

  it('keeps writes of several pieces concurrent and correct with a tiny handle pool', async () => {
    const files = Array.from({ length: 12 }, (_, i) => ({ path: [`f${i}`], length: 9000 + i * 1000 }));
    const { metainfo, content } = buildTorrent({ name: 'pool', pieceLength: 32768, files });
    const storage = Storage.open(metainfo, dir, { maxOpenFiles: 2 });
    const outcomes = await writeAll(storage, content, (b) => shuffle(b, 11));
    expect(outcomes.filter((o) => o === 'verified')).toHaveLength(metainfo.pieceCount);
    await storage.close();
    await expectFiles(metainfo, content);
  });

  it('truncates an over-long leftover file when finished', async () => {
    const { metainfo, content } = buildTorrent({ name: 'x.bin', pieceLength: 16384, files: [{ path: ['x.bin'], length: 20000 }] });
    await fs.writeFile(path.join(dir, 'x.bin'), Buffer.alloc(50000, 1));
    const storage = Storage.open(metainfo, dir);
    await writeAll(storage, content);
    await storage.finish();
    await storage.close();
    expect((await fs.readFile(path.join(dir, 'x.bin'))).equals(content)).toBe(true);
  });

  it('verifies only after every write of the piece settled, however slow the disk is', async () => {
    const files = Array.from({ length: 6 }, (_, i) => ({ path: [`f${i}`], length: 11000 }));
    const { metainfo, content } = buildTorrent({ name: 'slow', pieceLength: 65536, files });
    let seed = 1;
    const delay = () => new Promise((r) => setTimeout(r, (seed = (seed * 48271) % 2147483647) % 8));
    const storage = Storage.open(metainfo, dir, { openFile: hookedFiles({ beforeWrite: delay }) });
    // Blocks in reverse, so the last block handed over is the first of each piece and its write
    // tends to finish before the others.
    const outcomes = await writeAll(storage, content, (b) => b.reverse());
    expect(outcomes.filter((o) => o === 'verified')).toHaveLength(metainfo.pieceCount);
    await storage.close();
    await expectFiles(metainfo, content);
  });

  it('refuses a late duplicate while the piece is being checked', async () => {
    const { metainfo, content } = buildTorrent({ name: 'late.bin', pieceLength: 32768, files: [{ path: ['late.bin'], length: 32768 }] });
    let releaseRead!: () => void;
    const readGate = new Promise<void>((r) => (releaseRead = r));
    let readStarted!: () => void;
    const reading = new Promise<void>((r) => (readStarted = r));
    const gated = hookedFiles({
      beforeRead: () => {
        readStarted();
        return readGate;
      },
    });
    const storage = Storage.open(metainfo, dir, { openFile: gated });
    // Second block first, so completing the piece needs a read-back.
    expect(await writeBlock(storage, 0, 16384, content.subarray(16384))).toBe('stored');
    const completing = writeBlock(storage, 0, 0, content.subarray(0, 16384));
    await reading;
    expect(await writeBlock(storage, 0, 16384, Buffer.alloc(16384, 0xee))).toBe('duplicate');
    releaseRead();
    expect(await completing).toBe('verified');
    await storage.close();
    expect((await fs.readFile(path.join(dir, 'late.bin'))).equals(content)).toBe(true);
  });

  it('reads a failed piece back as it is on disk, for judging its senders', async () => {
    const { metainfo, content } = multi();
    const storage = Storage.open(metainfo, dir);
    const blocks = blocksOf(storage, content).filter((b) => b.piece === 0);
    const bad = Buffer.from(blocks[1]!.data).fill(0x55);
    const outcomes = [];
    for (const b of blocks) outcomes.push(await writeBlock(storage, 0, b.begin, b === blocks[1] ? bad : b.data));
    expect(outcomes.at(-1)).toBe('failed');
    const onDisk = await storage.readPiece(0);
    expect(Buffer.from(onDisk.subarray(16384, 32768)).equals(bad)).toBe(true);
    expect(Buffer.from(onDisk.subarray(0, 16384)).equals(blocks[0]!.data)).toBe(true);
    await expect(storage.readPiece(metainfo.pieceCount)).rejects.toMatchObject({ code: 'protocol' });
    await storage.close();
  });

  it('waits for writes started before a verify, not for later ones', async () => {
    const { metainfo, content } = buildTorrent({
      name: 'gates',
      pieceLength: 16384,
      files: [
        { path: ['one'], length: 16384 },
        { path: ['two'], length: 16384 },
      ],
    });
    const gates = new Map<string, () => void>();
    const gated = hookedFiles({ beforeWrite: (p) => new Promise<void>((r) => gates.set(path.basename(p), r)) });
    const storage = Storage.open(metainfo, dir, { openFile: gated });
    const first = writeBlock(storage, 0, 0, content.subarray(0, 16384));
    await vi.waitFor(() => expect(gates.has('one')).toBe(true));
    let verified: boolean | undefined;
    const verify = storage.verifyPiece(0).then((ok) => (verified = ok));
    const second = writeBlock(storage, 1, 0, content.subarray(16384));
    await vi.waitFor(() => expect(gates.has('two')).toBe(true));
    expect(verified).toBeUndefined();
    gates.get('one')!();
    await verify;
    // The verify saw the first write, and did not wait for the second, still held.
    expect(verified).toBe(true);
    expect(await first).toBe('verified');
    gates.get('two')!();
    expect(await second).toBe('verified');
    await storage.close();
  });

  it('starts from resume data, and a piece found corrupt later is dropped from have', async () => {
    const { metainfo, content } = buildTorrent({ name: 'resume.bin', pieceLength: 16384, files: [{ path: ['resume.bin'], length: 40000 }] });
    await fs.writeFile(path.join(dir, 'resume.bin'), content);
    const have = new Bitfield(metainfo.pieceCount);
    have.setAll();
    const storage = Storage.open(metainfo, dir, { have });
    expect(Buffer.from(await storage.readBlock(2, 0, 40000 - 32768)).equals(content.subarray(32768))).toBe(true);
    const damaged = Buffer.from(content);
    damaged[20000]! ^= 0xff;
    await fs.writeFile(path.join(dir, 'resume.bin'), damaged);
    expect(await storage.verifyPiece(1)).toBe(false);
    expect(storage.have.has(1)).toBe(false);
    expect(storage.have.count).toBe(2);
    expect(await storage.verifyPiece(0)).toBe(true);
    await storage.close();
    expect(() => Storage.open(metainfo, dir, { have: new Bitfield(7) })).toThrow(RangeError);
  });

  it('refuses use after close', async () => {
    const { metainfo } = multi();
    const storage = Storage.open(metainfo, dir);
    await storage.close();
    await expect(writeBlock(storage, 0, 0, Buffer.alloc(16384))).rejects.toBeInstanceOf(ShoalError);
  });
});

describe('Storage disk errors', () => {
  /** Real files whose writes fail with `code` once `failAfter` writes went through. */
  function failingWrites(code: string, failAfter = 0): OpenFile {
    let writes = 0;
    return hookedFiles({
      beforeWrite: () => {
        if (writes++ >= failAfter) throw Object.assign(new Error(`${code}: simulated`), { code });
      },
    });
  }

  it('turns ENOSPC into disk-full naming the file, and loses nothing already verified', async () => {
    const { metainfo, content } = buildTorrent({ name: 'full.bin', pieceLength: 16384, files: [{ path: ['full.bin'], length: 50000 }] });
    const storage = Storage.open(metainfo, dir, { openFile: failingWrites('ENOSPC', 1) });
    const blocks = blocksOf(storage, content);
    expect(await writeBlock(storage, 0, 0, blocks[0]!.data)).toBe('verified');
    const err = await writeBlock(storage, 1, 0, blocks[1]!.data).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShoalError);
    expect(err).toMatchObject({ code: 'disk-full', message: `The disk is full while writing ${path.join(dir, 'full.bin')}. Free some space on it, then try again.` });
    expect(storage.have.has(0)).toBe(true);
    await storage.close();
  });

  it('a block whose write failed can be written again once the disk has room', async () => {
    const { metainfo, content } = buildTorrent({ name: 'retry.bin', pieceLength: 32768, files: [{ path: ['retry.bin'], length: 32768 }] });
    let full = true;
    const open = hookedFiles({
      beforeWrite: () => {
        if (full) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
      },
    });
    const storage = Storage.open(metainfo, dir, { openFile: open });
    await expect(writeBlock(storage, 0, 0, content.subarray(0, 16384))).rejects.toMatchObject({ code: 'disk-full' });
    full = false;
    expect(await writeBlock(storage, 0, 16384, content.subarray(16384))).toBe('stored');
    expect(await writeBlock(storage, 0, 0, content.subarray(0, 16384))).toBe('verified');
    await storage.close();
  });

  it('turns EACCES on open into permission-denied', async () => {
    const { metainfo, content } = multi();
    const denied: OpenFile = async () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    const storage = Storage.open(metainfo, dir, { openFile: denied });
    const err = await writeBlock(storage, 0, 0, content.subarray(0, 16384)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShoalError);
    expect((err as ShoalError).code).toBe('permission-denied');
    expect((err as ShoalError).message).toMatch(/^No permission for creating .*multi/);
    await storage.close();
  });

  it('turns EROFS and unknown errors into io with the file named', async () => {
    const { metainfo, content } = buildTorrent({ name: 'ro.bin', pieceLength: 16384, files: [{ path: ['ro.bin'], length: 16384 }] });
    for (const code of ['EROFS', 'EIO']) {
      const storage = Storage.open(metainfo, dir, { openFile: failingWrites(code) });
      const err = await writeBlock(storage, 0, 0, content).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'io' });
      expect((err as Error).message).toContain(path.join(dir, 'ro.bin'));
      await storage.close();
    }
  });
});
