import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { contentDir, readTorrent } from '../testing/shared-fixtures';
import { alice, useTestSessions } from '../testing/test-sessions';
import { afterIncompleteChange, downloadFolder, finishedFolder } from './incomplete-folder';

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
  it('when it changes, a torrent left in the old one follows: still downloading to the new one (or, with none, its own folder); done, to its own folder', () => {
    expect(afterIncompleteChange(settings, { downloadDir: '/dl', incompleteDir: '/inc2' }, '/inc', false, undefined)).toBe('/inc2');
    expect(afterIncompleteChange(settings, { downloadDir: '/dl', incompleteDir: null }, '/inc', false, '/books')).toBe('/books');
    expect(afterIncompleteChange(settings, { downloadDir: '/dl', incompleteDir: '/inc2' }, '/inc', true, undefined)).toBe('/dl');
    expect(afterIncompleteChange(settings, settings, '/inc', false, undefined)).toBeUndefined();
    expect(afterIncompleteChange(settings, { downloadDir: '/dl', incompleteDir: '/inc2' }, '/elsewhere', false, undefined)).toBeUndefined();
  });
});

const sessions = useTestSessions('incomplete');

describe('Session incomplete-downloads folder', { timeout: 40_000 }, () => {
  it('downloads into the incomplete folder and moves the file to the download folder when complete', async () => {
    const seeder = await sessions.aliceSeeder();

    const leecher = await sessions.start('leech');
    const incomplete = join(sessions.dir, 'incomplete');
    await leecher.setSettings({ incompleteDir: incomplete });
    await leecher.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') }, paused: true });
    expect(leecher.torrent(alice)!.savePath).toBe(incomplete);
    await leecher.resume({ infoHashes: [alice] });
    await leecher.addPeer({ infoHashes: [alice], address: `127.0.0.1:${seeder.listenPort}` });
    await vi.waitFor(
      () => {
        expect(leecher.torrent(alice)!.savePath).toBe(join(sessions.dir, 'leech'));
        expect(leecher.torrent(alice)!.state).toBe('seeding');
      },
      { timeout: 30_000 },
    );
    expect(await readFile(join(sessions.dir, 'leech', 'alice.txt'))).toEqual(await readFile(join(contentDir, 'alice.txt')));
    expect(await readdir(incomplete)).toEqual([]);
  });

  it('a torrent still downloading in the incomplete folder follows the setting when it changes, instead of staying stranded', async () => {
    const leecher = await sessions.start('follow');
    const incomplete = join(sessions.dir, 'incomplete-old');
    const moved = join(sessions.dir, 'incomplete-new');
    await leecher.setSettings({ incompleteDir: incomplete });
    await leecher.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') }, paused: true });
    expect(leecher.torrent(alice)!.savePath).toBe(incomplete);
    await leecher.setSettings({ incompleteDir: moved });
    await vi.waitFor(() => expect([leecher.torrent(alice)!.savePath, leecher.torrent(alice)!.state]).toEqual([moved, 'paused']), { timeout: 10_000 });
  });
});
