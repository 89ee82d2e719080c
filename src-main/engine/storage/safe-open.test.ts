import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SafeOpener } from './safe-open';
import { Storage } from './storage';
import { buildTorrent } from '../../testing/build-torrent';
import { writeBlock } from '../../testing/write-block';

let base: string;
let downloads: string;
let outside: string;
beforeEach(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'shoal-safe-'));
  downloads = path.join(base, 'downloads');
  outside = path.join(base, 'outside');
  await fs.mkdir(downloads);
  await fs.mkdir(outside);
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

const torrent = () =>
  buildTorrent({
    name: 'pack',
    pieceLength: 16384,
    files: [{ path: ['sub', 'deep', 'file.bin'], length: 16384 }],
    multiFile: true,
  });

describe('SafeOpener', () => {
  it('creates missing folders lazily, only on the first write', async () => {
    const { metainfo, content } = torrent();
    const storage = Storage.open(metainfo, path.join(downloads, 'later'));
    expect(existsSync(path.join(downloads, 'later'))).toBe(false);
    expect(await writeBlock(storage, 0, 0, content)).toBe('verified');
    await storage.close();
    expect((await fs.readFile(path.join(downloads, 'later', 'pack', 'sub', 'deep', 'file.bin'))).equals(content)).toBe(true);
  });

  it('writes nothing outside when a folder it already wrote into is swapped for a link mid-download', async () => {
    const files = Array.from({ length: 200 }, (_, i) => ({ path: ['d', `f${i}`], length: 16384 }));
    const { metainfo, content } = buildTorrent({ name: 'pack', pieceLength: 16384, files, multiFile: true });
    const storage = Storage.open(metainfo, downloads, { maxOpenFiles: 4 });
    for (let i = 0; i < 10; i++) expect(await writeBlock(storage, i, 0, content.subarray(i * 16384, (i + 1) * 16384))).toBe('verified');
    // The race: the folder the download writes into becomes a link to somewhere else.
    await fs.rename(path.join(downloads, 'pack', 'd'), path.join(base, 'moved-away'));
    await fs.symlink(outside, path.join(downloads, 'pack', 'd'));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 190 }, (_, k) => writeBlock(storage, 10 + k, 0, content.subarray((10 + k) * 16384, (11 + k) * 16384))),
    );
    await storage.close();
    expect(await fs.readdir(outside)).toEqual([]);
    expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as { code?: string }).code === 'permission-denied')).toBe(true);
  });

  it('refuses a folder symlink inside the download folder that points outside, creating nothing there', async () => {
    const { metainfo, content } = torrent();
    await fs.mkdir(path.join(downloads, 'pack'));
    await fs.symlink(outside, path.join(downloads, 'pack', 'sub'));
    const storage = Storage.open(metainfo, downloads);
    await expect(writeBlock(storage, 0, 0, content)).rejects.toMatchObject({
      code: 'permission-denied',
      message: expect.stringMatching(/leads outside the download folder/),
    });
    await storage.close();
    expect(await fs.readdir(outside)).toEqual([]);
  });

  it('refuses the torrent folder itself being a symlink to outside', async () => {
    const { metainfo, content } = torrent();
    await fs.symlink(outside, path.join(downloads, 'pack'));
    const storage = Storage.open(metainfo, downloads);
    await expect(writeBlock(storage, 0, 0, content)).rejects.toMatchObject({ code: 'permission-denied' });
    await storage.close();
    expect(await fs.readdir(outside)).toEqual([]);
  });

  it('refuses a file symlink pointing outside instead of writing through it', async () => {
    const { metainfo, content } = buildTorrent({ name: 'victim.bin', pieceLength: 16384, files: [{ path: ['victim.bin'], length: 16384 }] });
    const target = path.join(outside, 'precious');
    await fs.writeFile(target, 'keep me');
    await fs.symlink(target, path.join(downloads, 'victim.bin'));
    const storage = Storage.open(metainfo, downloads);
    await expect(writeBlock(storage, 0, 0, content)).rejects.toMatchObject({ code: 'permission-denied' });
    await storage.close();
    expect(await fs.readFile(target, 'utf8')).toBe('keep me');
  });

  it('refuses to read through a folder symlink pointing outside when checking', async () => {
    const { metainfo, content } = torrent();
    await fs.mkdir(path.join(outside, 'deep'));
    await fs.writeFile(path.join(outside, 'deep', 'file.bin'), content);
    await fs.mkdir(path.join(downloads, 'pack'));
    await fs.symlink(outside, path.join(downloads, 'pack', 'sub'));
    const storage = Storage.open(metainfo, downloads);
    await expect(storage.check()).rejects.toMatchObject({ code: 'permission-denied' });
    await storage.close();
  });

  it('follows a folder symlink that stays inside the download folder', async () => {
    const { metainfo, content } = torrent();
    await fs.mkdir(path.join(downloads, 'pack'));
    await fs.mkdir(path.join(downloads, 'elsewhere-inside'));
    await fs.symlink(path.join(downloads, 'elsewhere-inside'), path.join(downloads, 'pack', 'sub'));
    const storage = Storage.open(metainfo, downloads);
    expect(await writeBlock(storage, 0, 0, content)).toBe('verified');
    await storage.close();
    expect(existsSync(path.join(downloads, 'elsewhere-inside', 'deep', 'file.bin'))).toBe(true);
  });

  it('works when the download folder itself is reached through a symlink', async () => {
    const { metainfo, content } = torrent();
    const link = path.join(base, 'link-to-downloads');
    await fs.symlink(downloads, link);
    const storage = Storage.open(metainfo, link);
    expect(await writeBlock(storage, 0, 0, content)).toBe('verified');
    await storage.close();
    expect(existsSync(path.join(downloads, 'pack', 'sub', 'deep', 'file.bin'))).toBe(true);
  });

  it('refuses a path outside its root outright', async () => {
    const opener = new SafeOpener(downloads);
    await expect(opener.open(path.join(outside, 'x'), true)).rejects.toMatchObject({ code: 'invalid-torrent' });
    expect(await fs.readdir(outside)).toEqual([]);
  });

  it('reports a file where a folder should be', async () => {
    const { metainfo, content } = torrent();
    await fs.mkdir(path.join(downloads, 'pack'));
    await fs.writeFile(path.join(downloads, 'pack', 'sub'), 'in the way');
    const storage = Storage.open(metainfo, downloads);
    await expect(writeBlock(storage, 0, 0, content)).rejects.toMatchObject({ code: 'io', message: expect.stringMatching(/not a folder/) });
    await storage.close();
  });
});
