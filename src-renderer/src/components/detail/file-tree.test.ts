import { describe, expect, it } from 'vitest';
import type { FileInfo } from '../../api/contract';
import { buildFileTree, flattenTree } from './file-tree';

const file = (index: number, path: string, length: number, progress: number, priority: FileInfo['priority'] = 'normal'): FileInfo => ({ index, path, length, progress, priority });

describe('buildFileTree', () => {
  const files = [file(0, 'album/cd2/b.flac', 300, 0), file(1, 'album/cd1/a.flac', 100, 1, 'high'), file(2, 'album/cover.jpg', 100, 0.5), file(3, 'album/cd1/c.flac', 100, 0, 'high')];
  const root = buildFileTree(files);

  it('nests folders, folders before files, by name', () => {
    expect(flattenTree(root, new Set()).map((r) => `${'  '.repeat(r.depth)}${r.node.name}`)).toEqual([
      'album',
      '  cd1',
      '    a.flac',
      '    c.flac',
      '  cd2',
      '    b.flac',
      '  cover.jpg',
    ]);
  });

  it('rolls up sizes, weighted progress, priorities and indices', () => {
    const album = root.children[0]!;
    if (album.kind !== 'folder') throw new Error('album should be a folder');
    expect(album.length).toBe(600);
    expect(album.done).toBe(150);
    expect(album.priority).toBe('mixed');
    expect(album.indices.sort()).toEqual([0, 1, 2, 3]);
    const cd1 = album.children[0]!;
    expect(cd1.kind === 'folder' && cd1.priority).toBe('high');
  });

  it('hides the children of collapsed folders', () => {
    expect(flattenTree(root, new Set(['album/cd1'])).map((r) => r.node.path)).toEqual(['album', 'album/cd1', 'album/cd2', 'album/cd2/b.flac', 'album/cover.jpg']);
  });

  it('handles a single-file torrent', () => {
    const single = buildFileTree([file(0, 'movie.mkv', 10, 0.2)]);
    expect(flattenTree(single, new Set()).map((r) => r.node.name)).toEqual(['movie.mkv']);
  });
});
