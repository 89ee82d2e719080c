// The queue against real aria2c seeders on 127.0.0.1: with two download slots, a third torrent
// waits as 'queued', moving no data, until one of the first two finishes; then it downloads.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TorrentState } from '../../src-shared/contract';
import { mktorrent, startAria2Seeder, startOpentracker, type Peer, type Tracker } from '../testing/clients';
import { freePort, stopAll, tempDir, waitFor } from '../testing/processes';
import { compareTrees, writePayload } from '../testing/shoal-cli';
import { parseTorrent } from './metainfo/parse-torrent';
import { Session } from './session';

const MiB = 1024 * 1024;
const NAMES = ['first', 'second', 'third'] as const;

let work: { path: string; remove(): Promise<void> };
let tracker: Tracker;
const seeders: Peer[] = [];
let session: Session | undefined;

beforeAll(async () => {
  work = await tempDir('queue-interop');
  const port = await freePort();
  const hashes: string[] = [];
  for (const name of NAMES) {
    await writePayload(join(work.path, 'data'), { [`${name}.bin`]: 3 * MiB + 17 });
    await mktorrent(join(work.path, 'data', `${name}.bin`), join(work.path, `${name}.torrent`), { announce: [`http://127.0.0.1:${port}/announce`], pieceLengthLog2: 16 });
  }
  for (const name of NAMES) hashes.push(parseTorrent(await readFile(join(work.path, `${name}.torrent`))).infoHashHex);
  tracker = await startOpentracker(hashes, port);
}, 60_000);

afterAll(async () => {
  await session?.close();
  await Promise.all(seeders.map((s) => s.stop()));
  await tracker?.stop();
  await stopAll();
  await work?.remove();
});

describe('queue with real seeders', () => {
  it('holds the third download queued until one of two finishes, then downloads it', async () => {
    // Each seeder sends 1 MiB/s, so each download takes about three seconds: long enough to see.
    for (const name of NAMES) seeders.push(await startAria2Seeder(join(work.path, `${name}.torrent`), join(work.path, 'data'), { uploadLimit: '1M' }));
    const out = join(work.path, 'out');
    session = await Session.start({ downloadDir: out, listenPort: 0, listenHost: '127.0.0.1', listIntervalMs: 50 });
    await session.setSettings({ announceInterval: 1, queue: { maxActiveDownloads: 2, maxActiveSeeds: 5, maxActiveTorrents: 8, stalledMinutes: 0 } });
    const history = new Map<string, { state: TorrentState; downloaded: number; at: number }[]>();
    session.onEvent((e) => {
      if (e.name !== 'torrents') return;
      for (const row of e.payload.changed) {
        const rows = history.get(row.infoHash) ?? [];
        if (rows.at(-1)?.state !== row.state || row.state === 'queued') rows.push({ state: row.state, downloaded: row.downloaded, at: Date.now() });
        history.set(row.infoHash, rows);
      }
    });
    const hashes: string[] = [];
    for (const name of NAMES) {
      const data = await readFile(join(work.path, `${name}.torrent`));
      hashes.push((await session.addTorrent({ source: { kind: 'torrent', data } })).infoHash);
    }
    const [first, second, third] = hashes as [string, string, string];
    const s = session;
    await waitFor('all three to download', () => (hashes.every((h) => s.torrent(h)?.isComplete) ? true : undefined), 60_000, 100).catch((err: Error) => {
      throw new Error(`${err.message}; history: ${JSON.stringify([...history.values()])}\n${seeders.map((p) => p.process.output().slice(-800)).join('\n')}`);
    });

    const states = (h: string) => history.get(h)!.map((r) => r.state);
    expect(states(third)[0]).toBe('queued');
    expect(states(first)).not.toContain('queued');
    expect(states(second)).not.toContain('queued');
    // While it waited it moved nothing, and it left the queue only once another had finished.
    const waited = history.get(third)!.filter((r) => r.state === 'queued');
    expect(waited.every((r) => r.downloaded === 0)).toBe(true);
    const left = history.get(third)!.find((r) => r.state !== 'queued')!;
    const finishedAt = Math.min(...[first, second].map((h) => history.get(h)!.find((r) => r.state === 'seeding')?.at ?? Infinity));
    expect(left.at).toBeGreaterThanOrEqual(finishedAt);
    for (const name of NAMES) expect(await compareTrees(join(work.path, 'data', `${name}.bin`), join(out, `${name}.bin`))).toEqual([]);
  }, 90_000);
});
