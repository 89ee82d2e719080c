import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PartsFile } from './parts-file';
import { SafeOpener } from './safe-open';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shoal-parts-'));
  file = path.join(dir, '.abc.parts');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const open = (pieceLength = 1024, pieceCount = 10) => new PartsFile(new SafeOpener(dir), file, pieceLength, pieceCount);

async function readBack(parts: PartsFile, piece: number, at: number, length: number): Promise<Buffer> {
  const out = Buffer.alloc(length, 0xff);
  await parts.read(piece, at, out, 0, length);
  return out;
}

describe('PartsFile', () => {
  it('creates nothing until a slot is made, and keeps slots and bytes across reopening', async () => {
    const parts = open();
    await parts.load();
    expect(existsSync(file)).toBe(false);
    await parts.allocate(7);
    await parts.allocate(2);
    await parts.write(7, 100, Buffer.from('seven'));
    await parts.write(2, 1019, Buffer.from('two!!'));
    await parts.close();

    const again = open();
    await again.load();
    expect([...again.pieces()].sort()).toEqual([2, 7]);
    expect((await readBack(again, 7, 98, 9)).toString('latin1')).toBe('\0\0seven\0\0');
    expect((await readBack(again, 2, 1019, 5)).toString()).toBe('two!!');
    // Never written: zeros, also past the end of the file.
    expect(await readBack(again, 2, 0, 16)).toEqual(Buffer.alloc(16));
    await again.close();
  });

  it('reuses freed slots and deletes the file when the last slot goes', async () => {
    const parts = open();
    await parts.allocate(1);
    await parts.allocate(3);
    const size = (await fs.stat(file)).size;
    await parts.write(3, 0, Buffer.alloc(1024, 3));
    await parts.free(1);
    await parts.allocate(5);
    await parts.write(5, 0, Buffer.alloc(1024, 5));
    // Slot 0 (piece 1's) was reused by piece 5: the file did not grow by a third slot.
    expect((await fs.stat(file)).size).toBe(Math.max(size, 4096 + 2 * 1024));
    expect(await readBack(parts, 3, 0, 1024)).toEqual(Buffer.alloc(1024, 3));
    await parts.free(3);
    await parts.free(5);
    expect(existsSync(file)).toBe(false);
    expect(parts.slotCount).toBe(0);
    await parts.close();
  });

  it('ignores a file made for another piece layout and rewrites it', async () => {
    const first = open(1024, 10);
    await first.allocate(4);
    await first.write(4, 0, Buffer.from('old'));
    await first.close();
    const other = open(2048, 10);
    await other.load();
    expect(other.slotCount).toBe(0);
    await other.allocate(1);
    await other.close();
    const reread = open(2048, 10);
    await reread.load();
    expect([...reread.pieces()]).toEqual([1]);
    await reread.close();
  });

  it('drops damaged slot entries instead of trusting them', async () => {
    const parts = open(1024, 4);
    await parts.allocate(0);
    await parts.allocate(1);
    await parts.close();
    const bytes = Buffer.alloc(16 + 4 * 4);
    (await fs.readFile(file)).copy(bytes);
    bytes.writeUInt32LE(0xffffffff, 16 + 4 * 1); // piece 1: a slot far past any real one
    bytes.writeUInt32LE(1, 16 + 4 * 2); // piece 2: the slot piece 0 already has
    const h = await fs.open(file, 'r+');
    await h.write(bytes, 0, bytes.length, 0);
    await h.close();
    const again = open(1024, 4);
    await again.load();
    expect([...again.pieces()]).toEqual([0]);
    await again.allocate(3);
    await again.write(3, 0, Buffer.from('new'));
    expect((await readBack(again, 0, 0, 3)).equals(Buffer.alloc(3))).toBe(true);
    await again.close();
  });

  it('refuses to read or write a piece without a slot', async () => {
    const parts = open();
    await parts.load();
    await expect(parts.write(0, 0, Buffer.from('x'))).rejects.toThrow(/has no slot/);
    await expect(readBack(parts, 0, 0, 1)).rejects.toThrow(/has no slot/);
  });
});
