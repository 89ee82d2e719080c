import { chmod, mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { limits } from '../../src-shared/contract';
import { addTorrentInput, classifyOpenArg, targetsFromArgv } from './open-targets';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-open-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('classifyOpenArg', () => {
  it('recognizes magnet links in any case and .torrent paths, resolved against cwd', () => {
    expect(classifyOpenArg('MAGNET:?xt=urn:btih:abc', '/home/u')).toEqual({ kind: 'magnet', uri: 'MAGNET:?xt=urn:btih:abc' });
    expect(classifyOpenArg('dl/a.Torrent', '/home/u')).toEqual({ kind: 'torrent-file', path: '/home/u/dl/a.Torrent' });
    expect(classifyOpenArg('/abs/b.torrent', '/home/u')).toEqual({ kind: 'torrent-file', path: '/abs/b.torrent' });
  });

  it('takes local file:// URLs, as Linux desktop entries pass them', () => {
    expect(classifyOpenArg('file:///home/u/My%20Files/a.torrent', '/w')).toEqual({
      kind: 'torrent-file',
      path: '/home/u/My Files/a.torrent',
    });
    expect(classifyOpenArg('file://otherhost/share/a.torrent', '/w')).toBeNull();
  });

  it('ignores switches, other files and magnet look-alikes', () => {
    for (const arg of ['--inspect=x.torrent', '.', 'notes.txt', 'magnet:xt', 'torrent', 'https://x/y.torrent?z', 'https://x/y.torrent']) {
      expect(classifyOpenArg(arg, '/home/u'), arg).toBeNull();
    }
  });
});

describe('targetsFromArgv', () => {
  it('skips the executable and keeps the order of the rest', () => {
    expect(targetsFromArgv(['/usr/bin/x.torrent', 'magnet:?a', '--flag', 'c.torrent'], '/w')).toEqual([
      { kind: 'magnet', uri: 'magnet:?a' },
      { kind: 'torrent-file', path: '/w/c.torrent' },
    ]);
  });
});

describe('addTorrentInput', { timeout: 5_000 }, () => {
  it('reads the whole file with its name', async () => {
    const data = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
    await writeFile(join(dir, 'big.torrent'), data);
    const input = await addTorrentInput({ kind: 'torrent-file', path: join(dir, 'big.torrent') });
    if (input.source.kind !== 'torrent') throw new Error('expected a torrent source');
    expect(input.source.fileName).toBe('big.torrent');
    // Compared as buffers: a deep equal of 300,000 elements is needlessly slow.
    expect(Buffer.from(input.source.data).equals(data)).toBe(true);
  });

  it('passes magnet links through', async () => {
    expect(await addTorrentInput({ kind: 'magnet', uri: 'magnet:?xt=1' })).toEqual({
      source: { kind: 'magnet', uri: 'magnet:?xt=1' },
    });
  });

  it('refuses a file too large to be a .torrent without reading it', async () => {
    const path = join(dir, 'huge.torrent');
    const handle = await open(path, 'w');
    await handle.truncate(limits.torrentBytes + 1);
    await handle.close();
    await expect(addTorrentInput({ kind: 'torrent-file', path })).rejects.toMatchObject({
      name: 'ShoalError',
      code: 'invalid-torrent',
      message: expect.stringContaining('huge.torrent'),
    });
  });

  it('says which file is missing, unreadable or a folder', async () => {
    await expect(addTorrentInput({ kind: 'torrent-file', path: join(dir, 'gone.torrent') })).rejects.toMatchObject({
      code: 'not-found',
      message: 'could not open gone.torrent: no such file',
    });
    await mkdir(join(dir, 'folder.torrent'));
    await expect(addTorrentInput({ kind: 'torrent-file', path: join(dir, 'folder.torrent') })).rejects.toMatchObject({
      name: 'ShoalError',
      message: expect.stringContaining('folder.torrent'),
    });
    if (process.getuid?.() !== 0) {
      await writeFile(join(dir, 'locked.torrent'), 'd4:infoe');
      await chmod(join(dir, 'locked.torrent'), 0);
      await expect(addTorrentInput({ kind: 'torrent-file', path: join(dir, 'locked.torrent') })).rejects.toMatchObject({
        code: 'permission-denied',
      });
    }
  });
});
