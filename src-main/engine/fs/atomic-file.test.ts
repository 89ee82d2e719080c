import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/processes';
import { readIfExists, setAside, writeFileAtomic } from './atomic-file';

let dir: { path: string; remove(): Promise<void> };

beforeEach(async () => {
  dir = await tempDir('atomic');
});

afterEach(async () => {
  await chmod(dir.path, 0o700).catch(() => undefined);
  await dir.remove();
});

describe('atomic state files', () => {
  it('replaces a file whole and leaves no temp file behind', async () => {
    const path = join(dir.path, 'session.json');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, 'second');
    expect(await readFile(path, 'utf8')).toBe('second');
    expect(await readdir(dir.path)).toEqual(['session.json']);
  });

  it('keeps the old file and says why when the folder cannot be written', async () => {
    const path = join(dir.path, 'session.json');
    await writeFileAtomic(path, 'old');
    if (process.getuid?.() === 0) return; // root writes anywhere; nothing to prove
    await chmod(dir.path, 0o500);
    await expect(writeFileAtomic(path, 'new')).rejects.toMatchObject({ code: 'permission-denied', message: expect.stringContaining(path) });
    expect(await readFile(path, 'utf8')).toBe('old');
  });

  it('reads null for a missing file and sets an unreadable one aside under a dated name', async () => {
    expect(await readIfExists(join(dir.path, 'none.json'))).toBeNull();
    const path = join(dir.path, 'session.json');
    await writeFile(path, '{broken');
    const aside = await setAside(path, Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    expect(aside).toBe(`${path}.bad-2026-01-02T03-04-05-006Z`);
    expect(await readFile(aside, 'utf8')).toBe('{broken');
    expect(await readIfExists(path)).toBeNull();
  });

  it('reports a path that is not a file as an error rather than as missing', async () => {
    const path = join(dir.path, 'folder');
    await mkdir(path);
    await expect(readIfExists(path)).rejects.toMatchObject({ code: 'io' });
  });
});
