import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/processes';
import { fileMoveOps, moveFiles, undoMove, type FilePair, type MoveOps } from './move-files';

let dir: { path: string; remove(): Promise<void> };
let from: string;
let to: string;
beforeEach(async () => {
  dir = await tempDir('move');
  from = path.join(dir.path, 'old');
  to = path.join(dir.path, 'new');
});
afterEach(async () => {
  await dir.remove();
});

const contents: Record<string, string> = { 'set/a.bin': 'a'.repeat(3000), 'set/sub/b.bin': 'b'.repeat(5000), '.parts': 'p'.repeat(10) };

/** The torrent's files at the old place, plus one it never created (missing) and a stranger's file. */
function layout(): FilePair[] {
  for (const [rel, text] of Object.entries(contents)) {
    mkdirSync(path.dirname(path.join(from, rel)), { recursive: true });
    writeFileSync(path.join(from, rel), text);
  }
  writeFileSync(path.join(from, 'stranger.txt'), 'not ours');
  return [...Object.keys(contents), 'set/never-written.bin'].map((rel) => ({ from: path.join(from, rel), to: path.join(to, rel) }));
}

function wholeAt(root: string): boolean {
  return Object.entries(contents).every(([rel, text]) => existsSync(path.join(root, rel)) && readFileSync(path.join(root, rel), 'utf8') === text);
}

const exdev = (): Error => Object.assign(new Error('cross-device link'), { code: 'EXDEV' });

describe('moveFiles', () => {
  it('renames on one file system, reports every byte, and commit removes the emptied folders only', async () => {
    const files = layout();
    const progress: number[] = [];
    const moved = await moveFiles({ files, fromDir: from, toDir: to, onProgress: (done, total) => progress.push(done / total) });
    expect(wholeAt(to)).toBe(true);
    expect(existsSync(path.join(to, 'set/never-written.bin'))).toBe(false);
    expect(progress.at(-1)).toBe(1);
    await moved.commit();
    expect(existsSync(path.join(from, 'set'))).toBe(false);
    expect(readFileSync(path.join(from, 'stranger.txt'), 'utf8')).toBe('not ours');
  });

  it('copies when rename says EXDEV, keeps the sources until commit, then deletes them', async () => {
    const files = layout();
    const ops: MoveOps = { ...fileMoveOps, rename: async () => Promise.reject(exdev()) };
    const progress: number[] = [];
    const moved = await moveFiles({ files, fromDir: from, toDir: to, ops, onProgress: (done) => progress.push(done) });
    expect(wholeAt(to)).toBe(true);
    expect(wholeAt(from)).toBe(true);
    expect(progress.at(-1)).toBe(8010);
    await moved.commit();
    expect(existsSync(path.join(from, 'set'))).toBe(false);
    expect(existsSync(path.join(from, '.parts'))).toBe(false);
    expect(wholeAt(to)).toBe(true);
  });

  it('a permission error part way puts back what had moved and says so in one sentence', async () => {
    const files = layout();
    let renames = 0;
    const ops: MoveOps = {
      ...fileMoveOps,
      rename: async (a, b) => {
        // The first file moves; the second is refused; putting the first back is allowed.
        if (++renames === 2) throw Object.assign(new Error('denied'), { code: 'EACCES' });
        await fileMoveOps.rename(a, b);
      },
    };
    await expect(moveFiles({ files, fromDir: from, toDir: to, ops })).rejects.toMatchObject({ code: 'permission-denied', message: expect.stringMatching(/^No permission for creating .*b\.bin\. Give your user access to it, or choose another folder\.$/) });
    expect(wholeAt(from)).toBe(true);
    expect(existsSync(to) ? readdirSync(to, { recursive: true }) : []).toEqual([]);
  });

  it('a full disk during a copy deletes the partial copy and leaves the data whole', async () => {
    const files = layout();
    const ops: MoveOps = {
      rename: async () => Promise.reject(exdev()),
      open: async (file, flags, mode) => {
        const real = await fileMoveOps.open(file, flags, mode);
        if (!file.endsWith('b.bin')) return real;
        return { ...real, sync: () => real.sync(), close: () => real.close(), write: async () => Promise.reject(Object.assign(new Error('full'), { code: 'ENOSPC' })) };
      },
    };
    await expect(moveFiles({ files, fromDir: from, toDir: to, ops })).rejects.toMatchObject({ code: 'disk-full' });
    expect(wholeAt(from)).toBe(true);
    expect(existsSync(path.join(to, 'set/a.bin'))).toBe(false);
    expect(existsSync(path.join(to, 'set/sub/b.bin'))).toBe(false);
  });

  it('refuses a folder that already holds one of the files, before moving anything', async () => {
    const files = layout();
    mkdirSync(path.join(to, 'set/sub'), { recursive: true });
    writeFileSync(path.join(to, 'set/sub/b.bin'), 'someone else');
    await expect(moveFiles({ files, fromDir: from, toDir: to })).rejects.toMatchObject({ code: 'already-exists' });
    expect(wholeAt(from)).toBe(true);
    expect(readFileSync(path.join(to, 'set/sub/b.bin'), 'utf8')).toBe('someone else');
    expect(existsSync(path.join(to, 'set/a.bin'))).toBe(false);
  });

  it('refuses a path outside the folders it was given', async () => {
    await expect(moveFiles({ files: [{ from: path.join(from, 'x'), to: path.join(dir.path, 'elsewhere', 'x') }], fromDir: from, toDir: to })).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });

  it('stops when aborted and puts back what had moved', async () => {
    const files = layout();
    const abort = new AbortController();
    const ops: MoveOps = {
      ...fileMoveOps,
      rename: async (a, b) => {
        await fileMoveOps.rename(a, b);
        abort.abort();
      },
    };
    await expect(moveFiles({ files, fromDir: from, toDir: to, ops, signal: abort.signal })).rejects.toMatchObject({ code: 'internal' });
    expect(wholeAt(from)).toBe(true);
  });
});

describe('undoMove', () => {
  it('brings renamed files back, deletes copies whose source is still there, and leaves strangers alone', async () => {
    const files = layout();
    // As a crash would leave it: a.bin renamed over, b.bin half copied, the parts file not reached.
    mkdirSync(path.join(to, 'set/sub'), { recursive: true });
    writeFileSync(path.join(to, 'set/a.bin'), readFileSync(path.join(from, 'set/a.bin')));
    await import('node:fs/promises').then((fs) => fs.rm(path.join(from, 'set/a.bin')));
    writeFileSync(path.join(to, 'set/sub/b.bin'), 'bbb');
    writeFileSync(path.join(to, 'mine.txt'), 'the user put this here');
    await undoMove(files, from, to);
    expect(wholeAt(from)).toBe(true);
    expect(readdirSync(to)).toEqual(['mine.txt']);
  });
});
