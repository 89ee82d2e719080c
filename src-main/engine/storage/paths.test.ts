import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filePaths, isInside } from './paths';
import { buildTorrent, type FileSpec } from '../../testing/build-torrent';
import { refusal } from '../../testing/refusal';

const root = path.resolve('/downloads');

function multi(name: string, files: FileSpec[]) {
  return buildTorrent({ name, pieceLength: 16384, files, multiFile: true }).metainfo;
}

describe('filePaths', () => {
  it('puts a single file at <dir>/<name>', () => {
    const { metainfo } = buildTorrent({ name: 'movie.mkv', pieceLength: 16384, files: [{ path: ['movie.mkv'], length: 5 }] });
    expect(filePaths(metainfo, '/downloads')).toEqual([path.join(root, 'movie.mkv')]);
  });

  it('puts multi-file torrents under <dir>/<name>/', () => {
    const metainfo = multi('album', [
      { path: ['cd1', '01.flac'], length: 5 },
      { path: ['cover.jpg'], length: 5 },
    ]);
    expect(filePaths(metainfo, '/downloads/')).toEqual([path.join(root, 'album', 'cd1', '01.flac'), path.join(root, 'album', 'cover.jpg')]);
  });

  it.each([
    ['a .. component', ['..', '..', 'etc', 'passwd']],
    ['a nested .. component', ['sub', '..', '..', 'x']],
    ['an absolute path', ['/etc/passwd']],
    ['a component with a slash', ['a/../../b']],
    ['a backslash', ['..\\..\\x']],
    ['an empty component', ['']],
    ['a . component', ['.']],
    ['a NUL byte', ['a\0b']],
  ])('refuses %s in a hand-built Metainfo', (_label, bad) => {
    const err = refusal(() => filePaths(multi('t', [{ path: bad, length: 5 }]), '/downloads'));
    expect(err.code).toBe('invalid-torrent');
    expect(err.message).toMatch(/outside the download folder/);
  });

  it.each([['..'], ['.'], ['/abs'], ['a/b']])('refuses the torrent name %j', (name) => {
    const { metainfo } = buildTorrent({ name, pieceLength: 16384, files: [{ path: [name], length: 5 }], multiFile: false });
    expect(refusal(() => filePaths(metainfo, '/downloads')).code).toBe('invalid-torrent');
  });

  it('refuses two files on one path', () => {
    const metainfo = multi('t', [
      { path: ['same'], length: 5 },
      { path: ['same'], length: 5 },
    ]);
    expect(refusal(() => filePaths(metainfo, '/downloads')).message).toMatch(/twice/);
  });

  it('lets pad files share a path (never on disk; v2 pads of one length share a name), but not a real file', () => {
    const metainfo = multi('t', [
      { path: ['a'], length: 5 },
      { path: ['.pad', '16379'], length: 16379, pad: true },
      { path: ['b'], length: 5 },
      { path: ['.pad', '16379'], length: 16379, pad: true },
      { path: ['c'], length: 5 },
    ]);
    expect(filePaths(metainfo, '/downloads')).toEqual(['/downloads/t/a', '/downloads/t/.pad/16379', '/downloads/t/b', '/downloads/t/.pad/16379', '/downloads/t/c']);
    const twice = multi('t', [
      { path: ['a'], length: 5 },
      { path: ['a'], length: 16379, pad: true },
      { path: ['a'], length: 5 },
    ]);
    expect(refusal(() => filePaths(twice, '/downloads')).message).toMatch(/twice/);
  });

  it('refuses an empty file path', () => {
    expect(refusal(() => filePaths(multi('t', [{ path: [], length: 5 }]), '/downloads')).code).toBe('invalid-torrent');
  });
});

describe('isInside', () => {
  it('is true strictly below the parent only', () => {
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/b')).toBe(false);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
    expect(isInside('/a/b', '/a/b/..x')).toBe(true);
  });
});
