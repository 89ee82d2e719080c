import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { TorrentSummary } from '../../src-shared/contract';
import { contentDir, readTorrent } from '../testing/shared-fixtures';
import { alice, useTestSessions } from '../testing/test-sessions';
import type { Session } from './session';

const sessions = useTestSessions('labels');
const start = (): Promise<Session> => sessions.start(undefined, { listIntervalMs: 50 });

function rows(session: Session): Map<string, TorrentSummary> {
  const out = new Map<string, TorrentSummary>();
  session.onEvent((e) => {
    if (e.name === 'torrents') for (const row of e.payload.changed) out.set(row.infoHash, row);
  });
  return out;
}

const noLimits = { ratio: null, seedingTimeMinutes: null, inactiveSeedingTimeMinutes: null, match: 'any', action: 'pause' } as const;

describe('Session categories and tags', { timeout: 20_000 }, () => {
  it('saves a torrent added to a category in its folder, applies its share limits, and keeps labels across a restart', async () => {
    const books = join(sessions.dir, 'books');
    await mkdir(books);
    await copyFile(join(contentDir, 'alice.txt'), join(books, 'alice.txt'));
    const first = await start();
    await first.setSettings({ categories: { books: { savePath: books, shareLimits: { ...noLimits, ratio: 0 } } } });
    await expect(first.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') }, category: 'films' })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('no category named "films"') });
    const seen = rows(first);
    await first.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') }, category: 'books', tags: ['classic'] });
    // Complete in the category's folder, it seeds, and ratio 0 of the category stops it at once.
    await vi.waitFor(() => expect(seen.get(alice)).toMatchObject({ savePath: books, category: 'books', tags: ['classic'], state: 'paused', limitReached: true }), { timeout: 10_000 });

    await first.setLabels({ infoHashes: [alice], addTags: ['english', 'classic'], removeTags: ['classic'] });
    await expect(first.setLabels({ infoHashes: [alice], category: 'films' })).rejects.toMatchObject({ code: 'invalid-input' });
    await sessions.stop(first);

    const second = await start();
    const again = rows(second);
    await vi.waitFor(() => expect(again.get(alice)).toMatchObject({ category: 'books', tags: ['english'] }));
    await second.setLabels({ infoHashes: [alice], category: null, removeTags: ['english'] });
    await vi.waitFor(() => expect(again.get(alice)?.category).toBeUndefined());
    expect(again.get(alice)?.tags).toBeUndefined();
  });

  it('lets a torrent’s own share limits win over its category’s', async () => {
    const books = join(sessions.dir, 'books');
    await mkdir(books);
    await copyFile(join(contentDir, 'alice.txt'), join(books, 'alice.txt'));
    const session = await start();
    await session.setSettings({ categories: { books: { savePath: books, shareLimits: { ...noLimits, ratio: 0 } } } });
    const seen = rows(session);
    await session.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') }, category: 'books', paused: true });
    await session.setTorrentOptions({ infoHashes: [alice], options: { shareLimits: noLimits } });
    await session.resume({ infoHashes: [alice] });
    await vi.waitFor(() => expect(seen.get(alice)?.state).toBe('seeding'), { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 1500)); // a policy tick or more
    expect(seen.get(alice)?.state).toBe('seeding');
  });
});
