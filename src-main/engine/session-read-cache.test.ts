import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../testing/processes';
import { nextStats, useTestSessions } from '../testing/test-sessions';
import type { Session } from './session';

const fixtures = fileURLToPath(new URL('../../../shared/fixtures/torrents/', import.meta.url));
const content = fileURLToPath(new URL('../../../shared/fixtures/content/', import.meta.url));
const MiB = 1024 * 1024;

const sessions = useTestSessions('session-read-cache');
let session: Session;

beforeEach(async () => {
  session = await sessions.start(undefined, { downloadDir: sessions.dir, stateDir: undefined });
});

describe('the session read cache', () => {
  it('is one budget for every torrent, sized by the setting, with its use and hits in the stats', async () => {
    expect((await nextStats(session)).readCache).toEqual({ budget: 64 * MiB, bytes: 0, hits: 0, misses: 0 });
    await copyFile(join(content, 'alice.txt'), join(sessions.dir, 'alice.txt'));
    const { infoHash } = await session.addTorrent({ source: { kind: 'torrent', data: await readFile(join(fixtures, 'alice.torrent')) } });
    const alice = session.torrent(infoHash)!;
    await waitFor('alice to seed', () => (alice.state === 'seeding' ? true : undefined), 10_000, 20);
    // Two requests in piece 0, as a peer would ask: one read from disk, one from the cache.
    await alice.storage.readBlock(0, 0, 1000);
    await alice.storage.readBlock(0, 1000, 1000);
    expect((await nextStats(session)).readCache).toEqual({ budget: 64 * MiB, bytes: Math.min(alice.storage.layout.pieceSize(0), MiB), hits: 1, misses: 1 });
    await session.setSettings({ readCacheMiB: 0 });
    expect((await session.getSettings()).readCacheMiB).toBe(0);
    expect((await nextStats(session)).readCache).toMatchObject({ budget: 0, bytes: 0 });
    await session.setSettings({ readCacheMiB: 8 });
    expect((await nextStats(session)).readCache).toMatchObject({ budget: 8 * MiB, bytes: 0 });
  });
});
