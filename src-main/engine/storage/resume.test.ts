import fs from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src-shared/bitfield';
import { tempDir } from '../../testing/processes';
import { PieceLayout } from './layout';
import { piecesToRecheck, type ResumeData } from './resume';
import { Storage } from './storage';
import { buildTorrent } from '../../testing/build-torrent';
import { writeBlock } from '../../testing/write-block';

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir('resume');
});
afterEach(() => dir.remove());

// Two files of 3 pieces and 2.5 pieces: piece 2 lies wholly in a, piece 3 straddles both.
const { metainfo, content } = buildTorrent({ name: 't', pieceLength: 1024, files: [{ path: ['a'], length: 3 * 1024 + 100 }, { path: ['b'], length: 2 * 1024 + 400 }] });
const a = () => join(dir.path, 't', 'a');
const b = () => join(dir.path, 't', 'b');

async function writeContent(): Promise<void> {
  await fs.mkdir(join(dir.path, 't'), { recursive: true });
  await fs.writeFile(a(), content.subarray(0, 3 * 1024 + 100));
  await fs.writeFile(b(), content.subarray(3 * 1024 + 100));
  // Whole seconds, so the test can put a's mtime back exactly after touching it.
  await fs.utimes(a(), 1_700_000_000, 1_700_000_000);
}

describe('fast resume', () => {
  it('trusts saved pieces in unchanged files and hashes again those touching changed files', async () => {
    await writeContent();
    const first = Storage.open(metainfo, dir.path);
    await first.check();
    const saved = await first.resumeData();
    await first.close();
    expect(new Bitfield(metainfo.pieceCount, saved.have).count).toBe(6);

    // Damage file a without changing its size or mtime: a trusted file is not read again.
    const handle = await fs.open(a(), 'r+');
    await handle.write(Buffer.from('XXXX'), 0, 4, 0);
    await handle.close();
    await fs.utimes(a(), 1_700_000_000, 1_700_000_000);
    // Damage the end of file b and let its mtime move: its pieces (3, 4, 5) are checked again.
    const bHandle = await fs.open(b(), 'r+');
    await bHandle.write(Buffer.from('YYYY'), 0, 4, 2 * 1024 + 300);
    await bHandle.close();
    await fs.utimes(b(), new Date(), new Date(Date.now() + 5_000));

    const second = Storage.open(metainfo, dir.path);
    const have = await second.resume(saved);
    await second.close();
    expect([0, 1, 2, 3, 4, 5].map((i) => have.has(i))).toEqual([true, true, true, true, true, false]);
  });

  it('keeps the stamps of its own last change: a file changed behind its back is checked again at the next start', async () => {
    await writeContent();
    const storage = Storage.open(metainfo, dir.path);
    await storage.check();
    const first = await storage.resumeData();
    // Changed by someone else while seeding: the saved stamps stay those Shoal knew.
    await fs.utimes(b(), new Date(), new Date(Date.now() + 5_000));
    const later = await storage.resumeData();
    expect(later.files).toEqual(first.files);
    await storage.close();
    const next = Storage.open(metainfo, dir.path);
    const have = await next.resume(later);
    await next.close();
    expect(have.count).toBe(6); // b's pieces were hashed again, and are still good
  });

  it('stamps the files again after writing to them', async () => {
    const storage = Storage.open(metainfo, dir.path);
    await storage.check();
    const before = await storage.resumeData();
    expect(before.files).toEqual([null, null]);
    await writeBlock(storage, 0, 0, content.subarray(0, 1024));
    const after = await storage.resumeData();
    expect(after.files[0]).toMatchObject({ size: expect.any(Number) });
    await storage.close();
  });

  it('checks everything when the saved data has the wrong shape', async () => {
    await writeContent();
    const storage = Storage.open(metainfo, dir.path);
    const have = await storage.resume({ have: new Uint8Array(5), files: [null] });
    await storage.close();
    expect(have.count).toBe(6);
  });

  it('marks the pieces of files that appeared, vanished or changed size', () => {
    const layout = new PieceLayout(metainfo);
    const saved: ResumeData = { have: new Uint8Array(1), files: [{ size: 10, mtimeMs: 1 }, null] };
    expect([...piecesToRecheck(layout, saved, [{ size: 10, mtimeMs: 1 }, null])]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...piecesToRecheck(layout, saved, [null, null])]).toEqual([1, 1, 1, 1, 0, 0]);
    expect([...piecesToRecheck(layout, saved, [{ size: 10, mtimeMs: 1 }, { size: 1, mtimeMs: 1 }])]).toEqual([0, 0, 0, 1, 1, 1]);
    expect([...piecesToRecheck(layout, saved, [{ size: 11, mtimeMs: 1 }, null])]).toEqual([1, 1, 1, 1, 0, 0]);
  });
});
