import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { defaultTorrentOptions, type EventPayload, type ShoalEvent, type TorrentSummary } from '../../src-shared/contract';
import { contentDir, readTorrent } from '../testing/shared-fixtures';
import { alice, useTestSessions } from '../testing/test-sessions';
import type { Session } from './session';

const sessions = useTestSessions('restore');

/** The first full list and any notices a new front end hears. */
async function connect(session: Session): Promise<{ rows: TorrentSummary[]; notices: EventPayload<'notice'>[] }> {
  const events: ShoalEvent[] = [];
  session.onEvent((e) => events.push(e));
  await new Promise((resolve) => setTimeout(resolve, 0));
  const list = events.find((e) => e.name === 'torrents');
  return {
    rows: list?.name === 'torrents' ? list.payload.changed : [],
    notices: events.flatMap((e) => (e.name === 'notice' ? [e.payload] : [])),
  };
}

describe('Session persistence', { timeout: 15_000 }, () => {
  it('restores torrents, their options and the settings after a clean close', async () => {
    const first = await sessions.start();
    const savePath = join(sessions.dir, 'elsewhere');
    await first.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') }, savePath, paused: true });
    await first.addTorrent({ source: { kind: 'torrent', data: readTorrent('numbers.torrent') }, paused: true });
    await first.setTorrentOptions({ infoHashes: [alice], options: { sequential: true, speedLimit: { down: 1000, up: 2000 } } });
    await first.setSettings({ theme: 'dark', downloadDir: join(sessions.dir, 'chosen') });
    await sessions.stop(first);

    const second = await sessions.start();
    const { rows, notices } = await connect(second);
    expect(notices).toEqual([]);
    expect(rows.map((r) => [r.name, r.state, r.savePath])).toEqual([
      ['alice.txt', 'paused', savePath],
      ['numbers', 'paused', join(sessions.dir, 'dl')],
    ]);
    expect(second.torrent(alice)?.options).toMatchObject({ sequential: true, speedLimit: { down: 1000, up: 2000 } });
    expect(await second.getSettings()).toMatchObject({ theme: 'dark', downloadDir: join(sessions.dir, 'chosen') });
    await sessions.stop(second);

    // A download folder given for this run wins over the saved one.
    const third = await sessions.start(undefined, { downloadDirGiven: true });
    expect((await third.getSettings()).downloadDir).toBe(join(sessions.dir, 'dl'));
  });

  it('carries whole-life totals and seeding time over, and resumes a complete torrent as seeding without a full check', async () => {
    const data = join(sessions.dir, 'data');
    await mkdir(data);
    await copyFile(join(contentDir, 'alice.txt'), join(data, 'alice.txt'));
    const first = await sessions.start();
    await first.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') }, savePath: data });
    await vi.waitFor(() => expect(first.torrent(alice)?.state).toBe('seeding'));
    await sessions.stop(first);
    const statePath = join(sessions.dir, 'state', 'torrents', `${alice}.json`);
    const saved = JSON.parse(await readFile(statePath, 'utf8')) as { resume: { have: string }; totals: object; seedingSeconds: number };
    expect(Buffer.from(saved.resume.have, 'base64')).toEqual(Buffer.from([0xff, 0xc0]));
    await writeFile(statePath, JSON.stringify({ ...saved, totals: { uploaded: 500, downloaded: 700, wasted: 9 }, seedingSeconds: 3600 }));

    const second = await sessions.start();
    const restored = second.torrent(alice)!;
    expect(restored.totals).toEqual({ uploaded: 500, downloaded: 700, wasted: 9 });
    expect(restored.seedingTime).toBeGreaterThanOrEqual(3600);
    await vi.waitFor(() => expect(restored.state).toBe('seeding'));
  });

  it('restores saved magnet links still fetching their metadata, paused or not, with their options and skipped files, and saves them back', async () => {
    const state = join(sessions.dir, 'state');
    await mkdir(state, { recursive: true });
    const other = 'ab'.repeat(20);
    const magnets = [
      { kind: 'magnet', uri: `magnet:?xt=urn:btih:${alice}&dn=alice.txt`, savePath: sessions.dir, paused: false, addedAt: 1 },
      {
        kind: 'magnet',
        uri: `magnet:?xt=urn:btih:${other}&x.pe=127.0.0.1%3A1`,
        savePath: join(sessions.dir, 'elsewhere'),
        paused: true,
        addedAt: 2,
        options: { ...defaultTorrentOptions, sequential: true, speedLimit: { down: 1000, up: 0 } },
        skipFiles: [1, 3],
      },
    ];
    await writeFile(join(state, 'session.json'), JSON.stringify({ version: 2, settings: {}, torrents: magnets }));
    const session = await sessions.start();
    const { rows, notices } = await connect(session);
    expect(notices).toEqual([]);
    expect(rows.map((r) => [r.infoHash, r.name, r.state, r.savePath, r.addedAt])).toEqual([
      [alice, 'alice.txt', 'metadata', sessions.dir, 1],
      [other, other, 'paused', join(sessions.dir, 'elsewhere'), 2],
    ]);
    expect(session.torrent(other)?.hasMetainfo).toBe(false);
    expect(session.torrent(other)?.options).toMatchObject({ sequential: true, speedLimit: { down: 1000, up: 0 } });
    expect(session.torrent(other)?.skipFiles).toEqual([1, 3]);
    await session.save();
    expect(JSON.parse(await readFile(join(state, 'session.json'), 'utf8'))).toMatchObject({ torrents: magnets });
  });

  it('saves a magnet whose metadata arrived as the torrent it became, and restores that', async () => {
    const seeder = await sessions.aliceSeeder();

    const first = await sessions.start();
    const savePath = join(sessions.dir, 'from-magnet');
    await first.addTorrent({ source: { kind: 'magnet', uri: `magnet:?xt=urn:btih:${alice}&x.pe=127.0.0.1:${seeder.listenPort}` }, savePath });
    await vi.waitFor(() => expect(first.torrent(alice)?.state).toBe('seeding'), { timeout: 10_000 });
    await sessions.stop(first);
    await sessions.stop(seeder);

    const second = await sessions.start();
    const { rows } = await connect(second);
    expect(rows.map((r) => [r.infoHash, r.name, r.savePath, r.length])).toEqual([[alice, 'alice.txt', savePath, 163783]]);
    expect(second.torrent(alice)?.hasMetainfo).toBe(true);
    await vi.waitFor(() => expect(second.torrent(alice)?.state).toBe('seeding'), { timeout: 5000 });
  });

  it('tells each front end that a damaged session file was set aside', async () => {
    const state = join(sessions.dir, 'state');
    await mkdir(state, { recursive: true });
    await writeFile(join(state, 'session.json'), 'not json at all');
    const session = await sessions.start();
    const { notices } = await connect(session);
    expect(notices).toEqual([{ kind: 'error', message: expect.stringContaining('The saved session list could not be read (it is not valid JSON)') }]);
    expect((await readdir(state)).filter((n) => n.startsWith('session.json.bad-'))).toHaveLength(1);
  });

  it('saves nothing without a state folder', async () => {
    const session = await sessions.start(undefined, { stateDir: undefined });
    await session.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') }, paused: true });
    await sessions.stop(session);
    expect(await readdir(sessions.dir)).toEqual(['dl']);
    expect(await readdir(join(sessions.dir, 'dl'))).toEqual([]);
  });
});
