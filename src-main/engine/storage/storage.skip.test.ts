import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Metainfo } from '../metainfo/metainfo';
import { Storage } from './storage';
import { buildTorrent } from '../../testing/build-torrent';
import { writeBlock } from '../../testing/write-block';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shoal-skip-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/**
 * Pieces of 32 KiB: a (0–40000) spans pieces 0–1, b (40000–50000) sits inside piece 1, the pad
 * fills piece 1 up to 65536, c (65536–150000) spans pieces 2–4, empty is zero-length, d
 * (150000–170000) shares piece 4 with c and ends the torrent in piece 5.
 */
const torrent = () =>
  buildTorrent({
    name: 'skip',
    pieceLength: 32768,
    files: [
      { path: ['a.bin'], length: 40000 },
      { path: ['b.bin'], length: 10000 },
      { path: ['.pad', '15536'], length: 15536, pad: true },
      { path: ['c.bin'], length: 84464 },
      { path: ['empty.txt'], length: 0 },
      { path: ['d.bin'], length: 20000 },
    ],
  });

const fileOf = (m: Metainfo, i: number) => path.join(dir, m.name, ...m.files[i]!.path);
const contentOf = (m: Metainfo, content: Buffer, i: number) => content.subarray(m.files[i]!.offset, m.files[i]!.offset + m.files[i]!.length);

/** Writes every block of `pieces` and returns their outcomes. */
async function writePieces(storage: Storage, content: Buffer, pieces: readonly number[]) {
  const { layout } = storage;
  const writes = [];
  for (const piece of pieces) {
    for (let b = 0; b < layout.blockCount(piece); b++) {
      const at = layout.pieceOffset(piece) + b * layout.blockSize;
      writes.push(writeBlock(storage, piece, b * layout.blockSize, content.subarray(at, at + layout.blockLength(piece, b))));
    }
  }
  return Promise.all(writes);
}

/** The pieces a download wants when `skipped` files are skipped: those touching a wanted, non-pad file. */
function wantedPieces(m: Metainfo, skipped: readonly number[]): number[] {
  const wanted = new Set<number>();
  m.files.forEach((f, i) => {
    if (f.pad || f.length === 0 || skipped.includes(i)) return;
    for (let p = Math.floor(f.offset / m.pieceLength); p <= Math.floor((f.offset + f.length - 1) / m.pieceLength); p++) wanted.add(p);
  });
  return [...wanted].sort((x, y) => x - y);
}

describe('Storage with skipped files', () => {
  it('never creates skipped files; shared pieces verify, serve and recheck through the parts file', async () => {
    const { metainfo, content } = torrent();
    const storage = Storage.open(metainfo, dir, { readCacheBytes: 0 });
    const skipped = [1, 3, 4]; // b (inside piece 1 with a), c (shares piece 4 with d), empty
    await storage.setSkippedFiles(skipped);
    const pieces = wantedPieces(metainfo, skipped);
    expect(pieces).toEqual([0, 1, 4, 5]);
    const outcomes = await writePieces(storage, content, pieces);
    expect(outcomes.filter((o) => o === 'verified')).toHaveLength(4);
    expect(outcomes.filter((o) => o === 'failed')).toEqual([]);

    for (const i of skipped) expect(existsSync(fileOf(metainfo, i))).toBe(false);
    expect(await fs.readFile(fileOf(metainfo, 0))).toEqual(contentOf(metainfo, content, 0));
    expect(await fs.readFile(fileOf(metainfo, 5))).toEqual(contentOf(metainfo, content, 5));
    // The parts file is hidden, in the save folder, and holds only the two shared pieces.
    expect(path.dirname(storage.partsPath)).toBe(dir);
    expect(path.basename(storage.partsPath)).toBe(`.${metainfo.infoHashHex}.parts`);
    expect((await fs.stat(storage.partsPath)).size).toBeLessThanOrEqual(4096 + 2 * 32768);

    // Serving: piece 1 holds a's tail (in a.bin), b (in the parts file) and the pad (zeros).
    const served = await storage.readBlock(1, 0, 32768);
    expect(Buffer.from(served)).toEqual(content.subarray(32768, 65536));
    expect(Buffer.from(await storage.readBlock(4, 16384, 16384))).toEqual(content.subarray(4 * 32768 + 16384, 5 * 32768));

    await storage.close();
    // A new storage (the next start) finds the same pieces, reading b and c's tail from the parts file.
    const again = Storage.open(metainfo, dir);
    await again.setSkippedFiles(skipped);
    const found = await again.check();
    expect([0, 1, 2, 3, 4, 5].filter((p) => found.has(p))).toEqual([0, 1, 4, 5]);
    await again.finish();
    for (const i of skipped) expect(existsSync(fileOf(metainfo, i))).toBe(false);
    await again.close();
  });

  it('finds shared pieces missing when the parts file is gone', async () => {
    const { metainfo, content } = torrent();
    const storage = Storage.open(metainfo, dir);
    await storage.setSkippedFiles([1]);
    await writePieces(storage, content, [0, 1]);
    await storage.close();
    await fs.rm(storage.partsPath);
    const again = Storage.open(metainfo, dir);
    await again.setSkippedFiles([1]);
    const found = await again.check();
    expect(found.has(0)).toBe(true);
    expect(found.has(1)).toBe(false);
    await again.close();
  });

  it('fast resume hashes shared pieces again, since the parts file is not stamped', async () => {
    const { metainfo, content } = torrent();
    const storage = Storage.open(metainfo, dir);
    await storage.setSkippedFiles([1]);
    await writePieces(storage, content, [0, 1]);
    const saved = await storage.resumeData();
    await storage.close();
    await fs.rm(storage.partsPath);
    const again = Storage.open(metainfo, dir);
    void again.setSkippedFiles([1]);
    const found = await again.resume(saved);
    expect(found.has(0)).toBe(true);
    expect(found.has(1)).toBe(false);
    await again.close();
  });

  it('moves a file wanted again out of the parts file and deletes the parts file once empty', async () => {
    const { metainfo, content } = torrent();
    const storage = Storage.open(metainfo, dir);
    await storage.setSkippedFiles([1, 3]);
    await writePieces(storage, content, [0, 1, 4, 5]);
    expect(existsSync(storage.partsPath)).toBe(true);

    await storage.setSkippedFiles([3]);
    // b lay wholly in piece 1, which was in the parts file: it is complete on disk now.
    expect(await fs.readFile(fileOf(metainfo, 1))).toEqual(contentOf(metainfo, content, 1));
    expect(await storage.verifyPiece(1)).toBe(true);

    await storage.setSkippedFiles([]);
    expect(existsSync(storage.partsPath)).toBe(false);
    // c's first pieces were never fetched; its tail (in piece 4) came out of the parts file.
    const outcomes = await writePieces(storage, content, [2, 3]);
    expect(outcomes.filter((o) => o === 'verified')).toHaveLength(2);
    await storage.finish();
    metainfo.files.forEach((f, i) => {
      if (!f.pad) expect(existsSync(fileOf(metainfo, i))).toBe(true);
    });
    expect(await fs.readFile(fileOf(metainfo, 3))).toEqual(contentOf(metainfo, content, 3));
    const found = await storage.check();
    expect(found.complete).toBe(true);
    await storage.close();
  });

  it('leaves a written file alone when it is skipped, and still serves and checks its pieces', async () => {
    const { metainfo, content } = torrent();
    const storage = Storage.open(metainfo, dir, { readCacheBytes: 0 });
    await writePieces(storage, content, [0, 1, 2, 3, 4, 5]);
    await storage.setSkippedFiles([3]);
    expect(await fs.readFile(fileOf(metainfo, 3))).toEqual(contentOf(metainfo, content, 3));
    expect(existsSync(storage.partsPath)).toBe(false);
    expect(Buffer.from(await storage.readBlock(4, 0, 16384))).toEqual(content.subarray(4 * 32768, 4 * 32768 + 16384));
    expect((await storage.check()).complete).toBe(true);
    await storage.close();
  });

  it('keeps a piece whole when its file is skipped half way through downloading it', async () => {
    const { metainfo, content } = torrent();
    const storage = Storage.open(metainfo, dir);
    // Piece 4: c's tail (to 150000) then d. Its first block goes to c.bin while c is wanted…
    const start = 4 * 32768;
    expect(await writeBlock(storage, 4, 0, content.subarray(start, start + 16384))).toBe('stored');
    await storage.setSkippedFiles([3]);
    // …and the second block (c's last bytes and d's first) lands after c is skipped.
    expect(await writeBlock(storage, 4, 16384, content.subarray(start + 16384, start + 32768))).toBe('verified');
    expect(Buffer.from(await storage.readPiece(4))).toEqual(content.subarray(start, start + 32768));
    await storage.close();
  });

  it('writes in flight when the selection changes finish before bytes move', async () => {
    const { metainfo, content } = torrent();
    const storage = Storage.open(metainfo, dir);
    await storage.setSkippedFiles([1]);
    // Both block writes of piece 1 and the change that wants b again are issued together.
    const writes = writePieces(storage, content, [1]);
    const change = storage.setSkippedFiles([]);
    expect((await writes).filter((o) => o === 'verified')).toHaveLength(1);
    await change;
    expect(await fs.readFile(fileOf(metainfo, 1))).toEqual(contentOf(metainfo, content, 1));
    expect(existsSync(storage.partsPath)).toBe(false);
    await storage.close();
  });

  it('rejects a file index the torrent does not have and keeps the old selection', async () => {
    const { metainfo, content } = torrent();
    const storage = Storage.open(metainfo, dir);
    await storage.setSkippedFiles([1]);
    await expect(storage.setSkippedFiles([99])).rejects.toThrow(/has no file 99/);
    await writePieces(storage, content, [0, 1]);
    expect(existsSync(fileOf(metainfo, 1))).toBe(false);
    await storage.close();
  });
});
