import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/processes';
import { checkFolder } from './folder-check';

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir('folder-check');
});
afterEach(async () => {
  await dir.remove();
});

describe('checkFolder', () => {
  it('takes a writable folder, or one that can be created, and tells the free space', async () => {
    const here = await checkFolder(dir.path);
    expect(here.problem).toBeNull();
    expect(here.freeSpace).toBeGreaterThan(0);
    expect((await checkFolder(join(dir.path, 'new', 'deeper'))).problem).toBeNull();
  });

  it('says a relative path is not a full path', async () => {
    expect((await checkFolder('downloads')).problem).toBe('"downloads" is not a full path. Give the folder\'s full path, starting with / (for example /home/you/Downloads).');
  });

  it('says when the folder, or one on its way, is a file', async () => {
    await writeFile(join(dir.path, 'file'), 'x');
    expect((await checkFolder(join(dir.path, 'file'))).problem).toBe(`${join(dir.path, 'file')} is a file, not a folder. Choose a folder.`);
    expect((await checkFolder(join(dir.path, 'file', 'sub'))).problem).toBe(`${join(dir.path, 'file', 'sub')} cannot be created: ${join(dir.path, 'file')} is a file, not a folder. Choose another folder.`);
  });
});
