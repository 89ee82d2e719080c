import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src-shared/contract';
import { tempDir, waitFor } from '../testing/processes';
import { Session } from './session';

const fixtures = fileURLToPath(new URL('../../../shared/fixtures/torrents/', import.meta.url));
const content = fileURLToPath(new URL('../../../shared/fixtures/content/', import.meta.url));
const MiB = 1024 * 1024;

let session: Session;
let dir: { path: string; remove(): Promise<void> };

beforeEach(async () => {
  dir = await tempDir('session-read-cache');
  session = await Session.start({ downloadDir: dir.path, listenPort: 0, listenHost: '127.0.0.1' });
});

afterEach(async () => {
  await session.close();
  await dir.remove();
});

function nextStats(): Promise<EventPayload<'stats'>> {
  return new Promise((resolve) => {
    const off = session.onEvent((e) => {
      if (e.name !== 'stats') return;
      off();
      resolve(e.payload);
    });
  });
}

describe('the session read cache', () => {
  it('is one budget for every torrent, sized by the setting, with its use and hits in the stats', async () => {
    expect((await nextStats()).readCache).toEqual({ budget: 64 * MiB, bytes: 0, hits: 0, misses: 0 });
    await copyFile(join(content, 'alice.txt'), join(dir.path, 'alice.txt'));
    const { infoHash } = await session.addTorrent({ source: { kind: 'torrent', data: await readFile(join(fixtures, 'alice.torrent')) } });
    const alice = session.torrent(infoHash)!;
    await waitFor('alice to seed', () => (alice.state === 'seeding' ? true : undefined), 10_000, 20);
    // Two requests in piece 0, as a peer would ask: one read from disk, one from the cache.
    await alice.storage.readBlock(0, 0, 1000);
    await alice.storage.readBlock(0, 1000, 1000);
    expect((await nextStats()).readCache).toEqual({ budget: 64 * MiB, bytes: Math.min(alice.storage.layout.pieceSize(0), MiB), hits: 1, misses: 1 });
    await session.setSettings({ readCacheMiB: 0 });
    expect((await session.getSettings()).readCacheMiB).toBe(0);
    expect((await nextStats()).readCache).toMatchObject({ budget: 0, bytes: 0 });
    await session.setSettings({ readCacheMiB: 8 });
    expect((await nextStats()).readCache).toMatchObject({ budget: 8 * MiB, bytes: 0 });
  });
});
