// The Session's queue: slots, waiting, stalled torrents, pausing and resuming by hand, moving.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TorrentSummary } from '../../src-shared/contract';
import { waitFor } from '../testing/processes';
import { useTestSessions } from '../testing/test-sessions';
import { createTorrent } from './metainfo/create';
import type { Session } from './session';

const sessions = useTestSessions('session-queue');
let session: Session;

beforeEach(async () => {
  session = await sessions.start(undefined, { downloadDir: join(sessions.dir, 'downloads'), stateDir: undefined, listIntervalMs: 50 });
});
// Registered after the sessions' hooks, so it runs before they close.
afterEach(() => {
  vi.useRealTimers();
});

/** Torrents of random data nobody has and no tracker knows: each downloads forever, moving nothing. */
async function addTorrents(count: number): Promise<string[]> {
  const hashes: string[] = [];
  for (let i = 0; i < count; i++) {
    const source = join(sessions.dir, `source-${i}.bin`);
    await writeFile(source, randomBytes(40_000));
    const data = await createTorrent(source, { pieceLength: 16_384 });
    hashes.push((await session.addTorrent({ source: { kind: 'torrent', data } })).infoHash);
  }
  return hashes;
}

/** The latest row of every torrent, as the list events tell it. */
function followRows(): Map<string, TorrentSummary> {
  const rows = new Map<string, TorrentSummary>();
  session.onEvent((e) => {
    if (e.name === 'torrents') for (const row of e.payload.changed) rows.set(row.infoHash, row);
  });
  return rows;
}

function statesOf(rows: Map<string, TorrentSummary>, hashes: readonly string[]): string {
  return hashes.map((h) => rows.get(h)?.state ?? 'none').join(',');
}

const until = (rows: Map<string, TorrentSummary>, hashes: readonly string[], expected: string) =>
  waitFor(`states ${expected}`, () => (statesOf(rows, hashes) === expected ? true : undefined), 5000, 20).catch((err: Error) => {
    throw new Error(`${err.message}; states are ${statesOf(rows, hashes)}`);
  });

describe('Session queue', () => {
  it('lets two downloads run while a third waits as queued, with queue positions in the rows', async () => {
    await session.setSettings({ queue: { maxActiveDownloads: 2, maxActiveSeeds: 5, maxActiveTorrents: 8, stalledMinutes: 0 } });
    const rows = followRows();
    const [a, b, c] = await addTorrents(3);
    await until(rows, [a!, b!, c!], 'downloading,downloading,queued');
    expect([a!, b!, c!].map((h) => rows.get(h)?.queuePosition)).toEqual([1, 2, 3]);
  });

  it('gives the slot of a torrent paused by hand to the next, and queues it again when resumed', async () => {
    await session.setSettings({ queue: { maxActiveDownloads: 2, maxActiveSeeds: 5, maxActiveTorrents: 8, stalledMinutes: 0 } });
    const rows = followRows();
    const [a, b, c] = await addTorrents(3);
    await until(rows, [a!, b!, c!], 'downloading,downloading,queued');
    await session.pause({ infoHashes: [a!] });
    await until(rows, [a!, b!, c!], 'paused,downloading,downloading');
    // First in the order again, it takes its slot back from the last one.
    await session.resume({ infoHashes: [a!] });
    await until(rows, [a!, b!, c!], 'downloading,downloading,queued');
    await session.moveInQueue({ infoHashes: [a!], to: 'bottom' });
    await until(rows, [a!, b!, c!], 'queued,downloading,downloading');
    expect([a!, b!, c!].map((h) => rows.get(h)?.queuePosition)).toEqual([3, 1, 2]);
  });

  it('frees the slot of a removed torrent, and runs everything when the limits go up', async () => {
    await session.setSettings({ queue: { maxActiveDownloads: 1, maxActiveSeeds: 5, maxActiveTorrents: 8, stalledMinutes: 0 } });
    const rows = followRows();
    const [a, b, c] = await addTorrents(3);
    await until(rows, [a!, b!, c!], 'downloading,queued,queued');
    await session.remove({ infoHashes: [a!], deleteFiles: true });
    await until(rows, [b!, c!], 'downloading,queued');
    await session.setSettings({ queue: { maxActiveDownloads: 0, maxActiveSeeds: 5, maxActiveTorrents: 0, stalledMinutes: 0 } });
    await until(rows, [b!, c!], 'downloading,downloading');
  });

  it('lets the next torrent in when the running one stalls', async () => {
    await session.setSettings({ queue: { maxActiveDownloads: 1, maxActiveSeeds: 5, maxActiveTorrents: 8, stalledMinutes: 1 } });
    const rows = followRows();
    const [a, b] = await addTorrents(2);
    await until(rows, [a!, b!], 'downloading,queued');
    // Let the once-a-second check see them running, then fake only the clock: the check runs
    // for real and sees a minute without data pass.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    await until(rows, [a!, b!], 'downloading,downloading');
  });

  it('force starts a queued torrent past the limits without taking a slot, until it is resumed normally', async () => {
    await session.setSettings({ queue: { maxActiveDownloads: 1, maxActiveSeeds: 5, maxActiveTorrents: 8, stalledMinutes: 0 } });
    const rows = followRows();
    const [a, b, c] = await addTorrents(3);
    await until(rows, [a!, b!, c!], 'downloading,queued,queued');
    await session.forceStart({ infoHashes: [c!] });
    await until(rows, [a!, b!, c!], 'downloading,queued,downloading');
    expect(rows.get(c!)?.forced).toBe(true);
    expect(rows.get(a!)?.forced).toBeUndefined();
    await session.resume({ infoHashes: [c!] });
    await until(rows, [a!, b!, c!], 'downloading,queued,queued');
    await waitFor('the forced mark to go', () => (rows.get(c!)?.forced === undefined ? true : undefined), 5000, 20);
  });

  it('refuses to move a torrent it does not have', async () => {
    await expect(session.moveInQueue({ infoHashes: ['0'.repeat(40)], to: 'top' })).rejects.toMatchObject({ code: 'not-found' });
  });
});
