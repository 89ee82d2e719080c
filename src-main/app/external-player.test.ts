import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openInExternalPlayer } from './external-player';
import { fake } from './testing/fake-electron';

vi.mock('electron', async () => (await import('./testing/fake-electron')).electronModule);

const origin = 'http://127.0.0.1:45123';
const url = `${origin}/stream/cap/${'k'.repeat(43)}/clip%20one.mkv`;
let dir: string;

beforeEach(async () => {
  fake.reset();
  dir = await mkdtemp(join(tmpdir(), 'shoal-player-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A folder holding a fake player that writes the address it was given to `<name>.out`. */
async function folderWith(name: string): Promise<string> {
  const folder = join(dir, `bin-${name}`);
  await mkdir(folder);
  await writeFile(join(folder, name), `#!/bin/sh\nprintf '%s' "$1" > '${join(dir, `${name}.out`)}'\n`, { mode: 0o755 });
  return folder;
}

async function handedTo(name: string): Promise<string> {
  let text = '';
  await vi.waitFor(async () => {
    text = await readFile(join(dir, `${name}.out`), 'utf8');
  });
  return text;
}

describe('openInExternalPlayer', { timeout: 5_000 }, () => {
  it('starts mpv before vlc, whichever PATH folder comes first', async () => {
    const searchPath = [await folderWith('vlc'), await folderWith('mpv')].join(delimiter);
    expect(await openInExternalPlayer(url, origin, { searchPath, platform: 'linux' })).toBe(join(dir, 'bin-mpv', 'mpv'));
    expect(await handedTo('mpv')).toBe(url);
    expect(fake.shell.openedExternally).toEqual([]);
  });

  it('starts vlc without mpv, and the OS default without either', async () => {
    expect(await openInExternalPlayer(url, origin, { searchPath: await folderWith('vlc'), platform: 'linux' })).toBe(join(dir, 'bin-vlc', 'vlc'));
    expect(await handedTo('vlc')).toBe(url);
    // A file named like a player that cannot be run is not one.
    const notRunnable = join(dir, 'plain');
    await mkdir(notRunnable);
    await writeFile(join(notRunnable, 'mpv'), 'not a program', { mode: 0o644 });
    expect(await openInExternalPlayer(url, origin, { searchPath: notRunnable, platform: 'linux' })).toBe('default');
    expect(fake.shell.openedExternally).toEqual([url]);
  });

  it('refuses every address but a capability address on our own origin', async () => {
    const refused = [
      'not a url',
      'https://127.0.0.1:45123/stream/cap/abc',
      'http://127.0.0.1:45124/stream/cap/abc',
      'http://localhost:45123/stream/cap/abc',
      `${origin}/stream/0123/0`,
      `${origin}/stream/cap/abc?then=1`,
      `${origin}/stream/cap/abc#x`,
      'http://user:pw@127.0.0.1:45123/stream/cap/abc',
      'file:///etc/passwd',
    ];
    for (const address of refused) {
      await expect(openInExternalPlayer(address, origin, { searchPath: '', platform: 'linux' }), address).rejects.toThrow(/not a stream address/);
    }
    expect(fake.shell.openedExternally).toEqual([]);
  });
});
