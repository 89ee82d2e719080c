import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../testing/processes';
import { contentDir, readTorrent } from '../testing/shared-fixtures';
import { downloadFolder, finishedFolder } from './incomplete-folder';
import { Session } from './session';

const alice = '722fe65b2aa26d14f35b4ad627d20236e481d924';

describe('incomplete-downloads folder rules', () => {
  const settings = { downloadDir: '/dl', incompleteDir: '/inc' };
  it('downloads into it only a torrent without its own save folder', () => {
    expect(downloadFolder(settings, undefined)).toBe('/inc');
    expect(downloadFolder(settings, '/books')).toBe('/books');
    expect(downloadFolder({ downloadDir: '/dl', incompleteDir: null }, undefined)).toBe('/dl');
  });
  it('moves a finished torrent from it to its category folder or the download folder, and no other', () => {
    expect(finishedFolder(settings, '/inc/', undefined)).toBe('/dl');
    expect(finishedFolder(settings, '/inc', '/books')).toBe('/books');
    expect(finishedFolder(settings, '/elsewhere', undefined)).toBeUndefined();
    expect(finishedFolder({ downloadDir: '/dl' }, '/dl', undefined)).toBeUndefined();
    expect(finishedFolder({ downloadDir: '/inc', incompleteDir: '/inc' }, '/inc', undefined)).toBeUndefined();
  });
});

let dir: { path: string; remove(): Promise<void> };
let running: Session[] = [];
beforeEach(async () => {
  dir = await tempDir('incomplete');
});
afterEach(async () => {
  await Promise.all(running.map((s) => s.close()));
  running = [];
  await dir.remove();
});

async function start(name: string): Promise<Session> {
  const session = await Session.start({ downloadDir: join(dir.path, name), stateDir: join(dir.path, `${name}-state`), listenPort: 0, listenHost: '127.0.0.1' });
  running.push(session);
  return session;
}

describe('Session incomplete-downloads folder', { timeout: 40_000 }, () => {
  it('downloads into the incomplete folder and moves the file to the download folder when complete', async () => {
    await mkdir(join(dir.path, 'seed'));
    await copyFile(join(contentDir, 'alice.txt'), join(dir.path, 'seed', 'alice.txt'));
    const seeder = await start('seed');
    await seeder.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') } });
    await vi.waitFor(() => expect(seeder.torrent(alice)?.state).toBe('seeding'), { timeout: 10_000 });

    const leecher = await start('leech');
    const incomplete = join(dir.path, 'incomplete');
    await leecher.setSettings({ incompleteDir: incomplete });
    await leecher.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') }, paused: true });
    expect(leecher.torrent(alice)!.savePath).toBe(incomplete);
    await leecher.resume({ infoHashes: [alice] });
    await leecher.addPeer({ infoHashes: [alice], address: `127.0.0.1:${seeder.listenPort}` });
    await vi.waitFor(
      () => {
        expect(leecher.torrent(alice)!.savePath).toBe(join(dir.path, 'leech'));
        expect(leecher.torrent(alice)!.state).toBe('seeding');
      },
      { timeout: 30_000 },
    );
    expect(await readFile(join(dir.path, 'leech', 'alice.txt'))).toEqual(await readFile(join(contentDir, 'alice.txt')));
    expect(await readdir(incomplete)).toEqual([]);
  });
});
