import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import type { EventPayload } from '../../src-shared/contract';
import { waitFor } from '../testing/processes';
import { useTestSessions } from '../testing/test-sessions';
import type { Session } from './session';
import { contentDir, torrentsDir } from '../testing/shared-fixtures';

const sessions = useTestSessions('session-list');
let session: Session;

beforeEach(async () => {
  session = await sessions.start(undefined, { downloadDir: sessions.dir, stateDir: undefined, listIntervalMs: 20 });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('sends a new front end the whole list, then only the rows that changed, each change once, and removals', async () => {
  const alice = await session.addTorrent({ source: { kind: 'torrent', data: await readFile(join(torrentsDir, 'alice.torrent')) }, paused: true });
  const numbers = await session.addTorrent({ source: { kind: 'torrent', data: await readFile(join(torrentsDir, 'numbers.torrent')) }, paused: true });
  const folder = await session.addTorrent({ source: { kind: 'torrent', data: await readFile(join(torrentsDir, 'folder.torrent')) }, paused: true });
  const lists: EventPayload<'torrents'>[] = [];
  session.onEvent((e) => {
    if (e.name === 'torrents') lists.push(e.payload);
  });

  // Ten list intervals in which nothing changes: the whole list, and nothing after it.
  await sleep(200);
  expect(lists).toHaveLength(1);
  expect(lists[0]!.full).toBe(true);
  expect(lists[0]!.changed.map((r) => [r.name, r.state, r.queuePosition])).toEqual([
    [alice.name, 'paused', 1],
    [numbers.name, 'paused', 2],
    [folder.name, 'paused', 3],
  ]);

  // One torrent checks its data and seeds: only its rows, and no row twice in a row unchanged.
  await copyFile(join(contentDir, 'alice.txt'), join(sessions.dir, 'alice.txt'));
  await session.resume({ infoHashes: [alice.infoHash] });
  await waitFor('alice to seed in the list', () => (lists.some((l) => l.changed.some((r) => r.state === 'seeding')) ? true : undefined), 10_000, 20);
  await sleep(200);
  const changes = lists.slice(1);
  const rows = changes.flatMap((l) => l.changed);
  expect(rows.every((r) => r.infoHash === alice.infoHash)).toBe(true);
  expect(rows.at(-1)).toMatchObject({ state: 'seeding', progress: 1 });
  rows.slice(1).forEach((row, i) => expect(row).not.toEqual(rows[i]));
  const settled = lists.length;
  await sleep(200);
  expect(lists).toHaveLength(settled);

  // A removal is sent once; the rows after it in the queue follow, since their places moved up.
  await session.remove({ infoHashes: [folder.infoHash], deleteFiles: false });
  await sleep(100);
  expect(lists.slice(settled)).toEqual([{ full: false, changed: [], removed: [folder.infoHash] }]);
  await session.remove({ infoHashes: [alice.infoHash], deleteFiles: false });
  await sleep(100);
  const afterRemove = lists.slice(settled + 1);
  expect(afterRemove.flatMap((l) => l.removed)).toEqual([alice.infoHash]);
  expect(afterRemove.flatMap((l) => l.changed).map((r) => [r.infoHash, r.queuePosition])).toEqual([[numbers.infoHash, 1]]);
});
