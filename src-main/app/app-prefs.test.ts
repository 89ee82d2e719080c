import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAppPrefs, writeAppPrefs } from './app-prefs';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-prefs-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('app prefs', () => {
  it('round-trips and leaves no temp file behind', async () => {
    const path = join(dir, 'prefs.json');
    await writeAppPrefs(path, { magnetHandlerAsked: true });
    expect(await readAppPrefs(path)).toEqual({ magnetHandlerAsked: true });
    expect(await readdir(dir)).toEqual(['prefs.json']);
  });

  it('falls back to defaults for a missing, damaged or foreign file', async () => {
    const path = join(dir, 'prefs.json');
    expect(await readAppPrefs(path)).toEqual({ magnetHandlerAsked: false });
    await writeFile(path, '{ not json');
    expect(await readAppPrefs(path)).toEqual({ magnetHandlerAsked: false });
    await writeFile(path, '{"magnetHandlerAsked":"yes"}');
    expect(await readAppPrefs(path)).toEqual({ magnetHandlerAsked: false });
  });
});
