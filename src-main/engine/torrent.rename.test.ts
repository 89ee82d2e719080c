import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/processes';
import { buildTorrent } from '../testing/build-torrent';
import { useQuietTorrents } from '../testing/quiet-torrent';
import * as views from './torrent-views';
import { writeBlock } from '../testing/write-block';

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir('rename-torrent');
});
afterEach(async () => {
  await dir.remove();
});
const torrents = useQuietTorrents();

const PIECE = 16384;

describe('Torrent.renameFile', () => {
  it('while downloading: the file is renamed on disk, what was verified stays so, and the missing pieces are written under the new name', async () => {
    const { metainfo, content } = buildTorrent({ name: 'two', pieceLength: PIECE, files: [{ path: ['a.bin'], length: 2 * PIECE }, { path: ['b.bin'], length: 2 * PIECE }] });
    await mkdir(join(dir.path, 'two'));
    // a.bin whole, b.bin missing: a download half done.
    await writeFile(join(dir.path, 'two', 'a.bin'), content.subarray(0, 2 * PIECE));
    const torrent = torrents.make(metainfo, dir.path);
    await torrent.start();
    expect(torrent.state).toBe('downloading');
    const saved: string[][] = [];
    await torrent.renameFile('a.bin', 'first.bin', async () => void saved.push(torrent.renamedFiles.map((r) => r.path.join('/'))));
    expect(saved).toEqual([['first.bin']]);
    expect(torrent.state).toBe('downloading');
    expect(existsSync(join(dir.path, 'two', 'a.bin'))).toBe(false);
    expect(readFileSync(join(dir.path, 'two', 'first.bin')).equals(content.subarray(0, 2 * PIECE))).toBe(true);
    expect(torrent.storage.have.count).toBe(2);

    // b.bin was never written: renamed before it exists, it is made under its new name.
    await torrent.renameFile('b.bin', 'second.bin', async () => undefined);
    for (const piece of [2, 3]) expect(await writeBlock(torrent.storage, piece, 0, content.subarray(piece * PIECE, (piece + 1) * PIECE))).toBe('verified');
    expect(readFileSync(join(dir.path, 'two', 'second.bin')).equals(content.subarray(2 * PIECE))).toBe(true);
    expect(views.files(torrent).map((f) => f.path)).toEqual(['first.bin', 'second.bin']);
    expect(views.general(torrent).contentPath).toBe(join(dir.path, 'two'));
    expect(existsSync(join(dir.path, 'two', 'b.bin'))).toBe(false);
  });

  it('a failed save puts the old name back on disk and in storage', async () => {
    const { metainfo, content } = buildTorrent({ name: 'one.bin', pieceLength: PIECE, files: [{ path: ['one.bin'], length: PIECE }] });
    await writeFile(join(dir.path, 'one.bin'), content);
    const torrent = torrents.make(metainfo, dir.path);
    await torrent.start();
    await expect(torrent.renameFile('one.bin', 'two.bin', () => Promise.reject(new Error('disk gone')))).rejects.toThrow('disk gone');
    expect(views.general(torrent).contentPath).toBe(join(dir.path, 'one.bin'));
    expect(existsSync(join(dir.path, 'one.bin'))).toBe(true);
    expect(existsSync(join(dir.path, 'two.bin'))).toBe(false);
    expect(torrent.renamedFiles).toEqual([]);
    expect(torrent.state).toBe('seeding');
    expect(Buffer.from(await torrent.storage.readBlock(0, 0, PIECE)).equals(content)).toBe(true);
  });
});

describe("a single file's rename", () => {
  it('is where General says its data is, and the name the list shows stays the torrent’s', async () => {
    const { metainfo, content } = buildTorrent({ name: 'one.bin', pieceLength: PIECE, files: [{ path: ['one.bin'], length: PIECE }] });
    await writeFile(join(dir.path, 'one.bin'), content);
    const torrent = torrents.make(metainfo, dir.path);
    await torrent.start();
    await torrent.renameFile('one.bin', 'uno.bin', async () => undefined);
    expect(views.general(torrent).contentPath).toBe(join(dir.path, 'uno.bin'));
    expect(views.summary(torrent).name).toBe('one.bin');
  });
});
