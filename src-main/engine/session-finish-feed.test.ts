// A finished download's row goes to the front ends at once: the CLI exits on it and the list shows
// it, so it must not wait for the next list tick.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { waitFor } from '../testing/processes';
import { useTestSessions } from '../testing/test-sessions';

const sessions = useTestSessions('finish-feed');

it("sends a finished download's seeding row at once, not at the next list tick", async () => {
  const { seeder, leecher, infoHash } = await sessions.seedAndLeech({
    folder: 'done',
    files: { data: randomBytes(256 * 1024) },
    pieceLength: 64 * 1024,
    settings: { dht: false, lsd: false, utp: false },
    // A tick far beyond the test's bound: only a prompt flush can deliver the row in time.
    leecherOptions: { listIntervalMs: 600_000 },
  });
  const states: string[] = [];
  leecher.onEvent((event) => {
    if (event.name !== 'torrents') return;
    for (const row of event.payload.changed) if (row.infoHash === infoHash) states.push(row.state);
  });
  leecher.torrent(infoHash)!.addPeers([{ host: '127.0.0.1', port: seeder.listenPort }], 'magnet');
  await waitFor('the seeding row', () => (states.includes('seeding') ? true : undefined), 15_000, 20);
  expect(states[0]).toBe('downloading'); // the whole list, heard first
});
