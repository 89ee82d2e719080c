import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTorrent } from '../../testing/build-torrent';
import { onDisk, planRename } from './disk-names';
import { filePaths } from './paths';

const multi = buildTorrent({ name: 'set', pieceLength: 16384, files: [{ path: ['a.txt'], length: 10 }, { path: ['sub', 'b.txt'], length: 10 }, { path: ['sub', 'c.txt'], length: 10 }] }).metainfo;
const single = buildTorrent({ name: 'one.bin', pieceLength: 16384, files: [{ path: ['one.bin'], length: 10 }], multiFile: false }).metainfo;
const save = path.resolve('/downloads');

describe('planRename', () => {
  it('renames a file in place; storage then finds it under its new name', () => {
    const plan = planRename(multi, [], save, 'sub/b.txt', 'bee.txt')!;
    expect(plan).toEqual({ renamed: [{ index: 1, path: ['sub', 'bee.txt'] }], from: path.join(save, 'set/sub/b.txt'), to: path.join(save, 'set/sub/bee.txt') });
    expect(filePaths(onDisk(multi, plan.renamed), save)[1]).toBe(path.join(save, 'set/sub/bee.txt'));
  });

  it('renames a folder: every file below it moves with it, and naming it back forgets the renames', () => {
    const plan = planRename(multi, [], save, 'sub', 'inner')!;
    expect(plan.renamed).toEqual([{ index: 1, path: ['inner', 'b.txt'] }, { index: 2, path: ['inner', 'c.txt'] }]);
    expect(plan.to).toBe(path.join(save, 'set/inner'));
    expect(planRename(multi, plan.renamed, save, 'inner', 'sub')!.renamed).toEqual([]);
  });

  it("renames a single-file torrent's file, which is the torrent's name on disk", () => {
    const plan = planRename(single, [], save, 'one.bin', 'two.bin')!;
    expect(plan.to).toBe(path.join(save, 'two.bin'));
    expect(onDisk(single, plan.renamed).name).toBe('two.bin');
    expect(filePaths(onDisk(single, plan.renamed), save)).toEqual([path.join(save, 'two.bin')]);
  });

  it('refuses names that would leave the folder or are not names, a target it does not have, and a name already taken', () => {
    for (const bad of ['', '.', '..', '../escape', 'a/b', 'a\\b', 'nul\0', 'tab\there', 'x'.repeat(256)]) {
      expect(() => planRename(multi, [], save, 'a.txt', bad)).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    }
    expect(() => planRename(multi, [], save, 'nothing.txt', 'b')).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => planRename(multi, [], save, 'sub/', 'b')).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => planRename(multi, [], save, 'a.txt', 'sub')).toThrow(expect.objectContaining({ code: 'already-exists' }));
    expect(() => planRename(multi, [], save, 'sub/b.txt', 'c.txt')).toThrow(expect.objectContaining({ code: 'already-exists' }));
    expect(planRename(multi, [], save, 'a.txt', 'a.txt')).toBeUndefined();
  });

  it('refuses saved renames that do not fit the torrent', () => {
    expect(() => onDisk(multi, [{ index: 7, path: ['x'] }])).toThrow(expect.objectContaining({ code: 'invalid-torrent' }));
    expect(() => filePaths(onDisk(multi, [{ index: 0, path: ['..', 'x'] }]), save)).toThrow(expect.objectContaining({ code: 'invalid-torrent' }));
  });
});
