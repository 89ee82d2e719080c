import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/processes';
import { fileMoveOps, type MoveOps } from './storage/move-files';
import { buildTorrent } from '../testing/build-torrent';
import { quietTorrent } from '../testing/quiet-torrent';
import type { Torrent } from './torrent';

let dir: { path: string; remove(): Promise<void> };
let content: Buffer;
const open: Torrent[] = [];
beforeEach(async () => {
  dir = await tempDir('move-torrent');
});
afterEach(async () => {
  for (const t of open.splice(0)) await t.remove(false);
  await dir.remove();
});

const PIECE = 16384;
const NAMES = ['a', 'sub/b', 'sub/c'];

/** Three files of four pieces each, on disk in `<tmp>/old/three`. */
async function onDisk(): Promise<Torrent> {
  const built = buildTorrent({ name: 'three', pieceLength: PIECE, files: NAMES.map((name) => ({ path: name.split('/'), length: 4 * PIECE })) });
  content = built.content;
  await mkdir(join(dir.path, 'old', 'three', 'sub'), { recursive: true });
  for (const [i, name] of NAMES.entries()) await writeFile(join(dir.path, 'old', 'three', name), content.subarray(i * 4 * PIECE, (i + 1) * 4 * PIECE));
  const torrent = quietTorrent(built.metainfo, join(dir.path, 'old'));
  open.push(torrent);
  return torrent;
}

function wholeIn(folder: string): boolean {
  return NAMES.every((name, i) => {
    const file = join(dir.path, folder, 'three', name);
    return existsSync(file) && readFileSync(file).equals(content.subarray(i * 4 * PIECE, (i + 1) * 4 * PIECE));
  });
}

/** What a save would record at each call: the save path and the move under way. */
function recorder(torrent: () => Torrent): { saves: [string, string | null][]; persist: () => Promise<void> } {
  const saves: [string, string | null][] = [];
  return { saves, persist: async () => void saves.push([torrent().savePath, torrent().movingTo]) };
}

const exdev = async (): Promise<void> => Promise.reject(Object.assign(new Error('cross-device link'), { code: 'EXDEV' }));

describe('Torrent.moveStorage', () => {
  it('on one file system: renames, saves movingTo first and the new path second, and seeds from the new place', async () => {
    const torrent = await onDisk();
    await torrent.start();
    const to = join(dir.path, 'new');
    const { saves, persist } = recorder(() => torrent);
    const moving = torrent.moveStorage(to, persist);
    expect(torrent.state).toBe('moving');
    await moving;
    expect(saves).toEqual([
      [join(dir.path, 'old'), to],
      [to, null],
    ]);
    expect(wholeIn('new')).toBe(true);
    expect(existsSync(join(dir.path, 'old', 'three'))).toBe(false);
    expect(torrent.state).toBe('seeding');
    expect(torrent.savePath).toBe(to);
    expect(torrent.checkProgress).toBe(1);
    expect(torrent.storage.filePaths[1]).toBe(join(to, 'three', 'sub', 'b'));
    // Blocks are served from the new place.
    expect(Buffer.from(await torrent.storage.readBlock(5, 0, PIECE)).equals(content.subarray(5 * PIECE, 6 * PIECE))).toBe(true);
  });

  it('across file systems (rename says EXDEV): copies, keeps the old copy until the new path is saved, then deletes it', async () => {
    const torrent = await onDisk();
    await torrent.start();
    const to = join(dir.path, 'new');
    const wholeAtOldWhenSaved: boolean[] = [];
    const persist = async (): Promise<void> => void wholeAtOldWhenSaved.push(wholeIn('old'));
    const ops: MoveOps = { ...fileMoveOps, rename: exdev };
    await torrent.moveStorage(to, persist, ops);
    expect(wholeAtOldWhenSaved).toEqual([true, true]);
    expect(wholeIn('new')).toBe(true);
    expect(existsSync(join(dir.path, 'old', 'three'))).toBe(false);
    expect(torrent.state).toBe('seeding');
    expect(torrent.storage.have.complete).toBe(true);
  });

  it('a paused torrent stays paused after its move', async () => {
    const torrent = await onDisk();
    await torrent.start();
    await torrent.pause();
    const { persist } = recorder(() => torrent);
    await torrent.moveStorage(join(dir.path, 'new'), persist);
    expect(torrent.state).toBe('paused');
    expect(torrent.paused).toBe(true);
    expect(wholeIn('new')).toBe(true);
  });

  it('a permission error part way leaves the data whole at the old place and the torrent seeding there', async () => {
    const torrent = await onDisk();
    await torrent.start();
    let renames = 0;
    const ops: MoveOps = {
      ...fileMoveOps,
      rename: async (from, to) => {
        if (++renames === 2) throw Object.assign(new Error('denied'), { code: 'EACCES' });
        await fileMoveOps.rename(from, to);
      },
    };
    const { saves, persist } = recorder(() => torrent);
    await expect(torrent.moveStorage(join(dir.path, 'new'), persist, ops)).rejects.toMatchObject({ code: 'permission-denied' });
    expect(saves).toEqual([[join(dir.path, 'old'), join(dir.path, 'new')]]);
    expect(wholeIn('old')).toBe(true);
    expect(existsSync(join(dir.path, 'new', 'three', 'a'))).toBe(false);
    expect(torrent.savePath).toBe(join(dir.path, 'old'));
    expect(torrent.movingTo).toBeNull();
    expect(torrent.state).toBe('seeding');
    expect(Buffer.from(await torrent.storage.readBlock(0, 0, PIECE)).equals(content.subarray(0, PIECE))).toBe(true);
  });

  it('when the new place cannot be saved, it trades from there and says a restart would go back', async () => {
    const torrent = await onDisk();
    await torrent.start();
    let saves = 0;
    const persist = async (): Promise<void> => {
      if (++saves === 2) throw Object.assign(new Error('state folder is read-only'), { code: 'EROFS' });
    };
    await expect(torrent.moveStorage(join(dir.path, 'new'), persist)).rejects.toThrow(/is now in .*new, but saving that failed; until a save succeeds, a restart brings it back to .*old$/);
    expect(torrent.savePath).toBe(join(dir.path, 'new'));
    expect(torrent.state).toBe('seeding');
    expect(wholeIn('new')).toBe(true);
  });

  it('removing the torrent during a copy stops it and puts everything back first', async () => {
    const torrent = await onDisk();
    open.splice(open.indexOf(torrent), 1);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ops: MoveOps = {
      rename: exdev,
      open: async (file, flags, mode) => {
        const real = await fileMoveOps.open(file, flags, mode);
        // The second file's copy waits, so the removal arrives mid-move.
        if (file.endsWith('b')) await held;
        return real;
      },
    };
    const moving = torrent.moveStorage(join(dir.path, 'new'), async () => undefined, ops);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const removing = torrent.remove(false);
    release();
    await removing;
    await expect(moving).rejects.toBeDefined();
    expect(wholeIn('old')).toBe(true);
    expect(existsSync(join(dir.path, 'new', 'three', 'a'))).toBe(false);
  });
});
