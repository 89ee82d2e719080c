import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventPayload, ShoalEvent } from '../../src-shared/contract';
import { waitFor } from '../testing/processes';
import { readTorrent } from '../testing/shared-fixtures';
import { useTestSessions } from '../testing/test-sessions';
import type { Session } from './session';

// A magnet's metadata fetched before it is added (the add dialog's files), from a Shoal seeder on loopback.

const content = new URL('../../../shared/fixtures/content/', import.meta.url).pathname;
const numbers = '50a4b9f2c0e7b3e1c51c7b6c0a8c1b0f12345678';
const sessions = useTestSessions('metadata-fetch');

async function start(name: string): Promise<{ session: Session; dir: string; events: ShoalEvent[] }> {
  const session = await sessions.start(name);
  await session.setSettings({ dht: false, lsd: false });
  const events: ShoalEvent[] = [];
  session.onEvent((e) => events.push(e));
  return { session, dir: join(sessions.dir, name), events };
}

const fetchEvents = (events: ShoalEvent[]): EventPayload<'metadata'>[] => events.flatMap((e) => (e.name === 'metadata' ? [e.payload] : []));
const listed = (events: ShoalEvent[]): string[] => events.flatMap((e) => (e.name === 'torrents' ? e.payload.changed.map((r) => r.infoHash) : []));

async function seeder(): Promise<{ session: Session; infoHash: string }> {
  const s = await start('seeder');
  await cp(join(content, 'numbers'), join(s.dir, 'numbers'), { recursive: true });
  const { infoHash } = await s.session.addTorrent({ source: { kind: 'torrent', data: readTorrent('numbers.torrent') } });
  await waitFor('the seeder to check its data', () => (s.session.torrent(infoHash)?.state === 'seeding' ? true : undefined), 10_000, 20);
  return { session: s.session, infoHash };
}

describe('fetching a magnet’s metadata before adding it', { timeout: 30_000 }, () => {
  it('tells the peers found, then the files; nothing is listed or written until it is added, then it is added with its files at once, one skipped', async () => {
    const seed = await seeder();
    const leecher = await start('leecher');
    const uri = `magnet:?xt=urn:btih:${seed.infoHash}&dn=numbers&x.pe=127.0.0.1:${seed.session.listenPort}`;
    expect(await leecher.session.fetchMetadata({ uri })).toEqual({ infoHash: seed.infoHash });
    const arrived = await waitFor('the metadata', () => fetchEvents(leecher.events).find((e) => e.preview !== null), 15_000, 20);
    expect(arrived.preview!.files.map((f) => [f.index, f.path, f.length])).toEqual([
      [0, '1.txt', 1],
      [1, '2.txt', 2],
      [2, '3.txt', 3],
    ]);
    expect(arrived.preview!.length).toBe(6);
    expect(arrived.problem).toBeNull();
    expect(fetchEvents(leecher.events).some((e) => e.peers >= 1 && e.preview === null)).toBe(true);
    expect(listed(leecher.events)).toEqual([]);
    expect(leecher.session.torrent(seed.infoHash)).toBeUndefined();
    expect(await readdir(leecher.dir).catch(() => [])).toEqual([]);

    await leecher.session.addTorrent({ source: { kind: 'magnet', uri }, skipFiles: [0] });
    const added = leecher.session.torrent(seed.infoHash)!;
    // The metadata came with the fetch: no 'metadata' phase, its files known at once.
    expect(added.hasMetainfo).toBe(true);
    expect(added.filePriorities).toEqual(['skip', 'normal', 'normal']);
    await waitFor('the download', () => (leecher.session.torrent(seed.infoHash)?.state === 'seeding' ? true : undefined), 20_000, 50);
    expect(await readFile(join(leecher.dir, 'numbers', '3.txt'), 'utf8')).toBe(await readFile(join(content, 'numbers', '3.txt'), 'utf8'));
  });

  it('leaves nothing behind when cancelled, says in a sentence when no peer sends it in time, and refuses one already in the list', async () => {
    const s = await start('alone');
    const uri = `magnet:?xt=urn:btih:${numbers}&dn=nobody`;
    await s.session.fetchMetadata({ uri });
    expect(fetchEvents(s.events)).toEqual([{ infoHash: numbers, peers: 0, preview: null, problem: null }]);
    await s.session.cancelMetadata({ infoHash: numbers });
    expect(s.session.torrent(numbers)).toBeUndefined();
    expect(listed(s.events)).toEqual([]);
    expect(await readdir(s.dir).catch(() => [])).toEqual([]);
    // Cancelled, it is gone: fetched again, it starts afresh; and it gives up on its own after its time.
    await s.session.fetchMetadata({ uri, timeoutSec: 1 });
    const failed = await waitFor('the time-out', () => fetchEvents(s.events).find((e) => e.problem !== null), 5_000, 20);
    expect(failed.problem).toBe('No peer sent the metadata of "nobody" within 1 seconds. Add it without waiting to keep looking for peers in the background, or try again later.');
    // Added without waiting after that, it is a magnet row fetching in the list.
    await s.session.addTorrent({ source: { kind: 'magnet', uri }, paused: true });
    expect(s.session.torrent(numbers)?.hasMetainfo).toBe(false);
    await expect(s.session.fetchMetadata({ uri })).rejects.toMatchObject({ code: 'already-exists', message: '"nobody" is already in the list' });
  });

  it('refuses more than 16 fetches at once with a sentence, and takes another once one is cancelled', async () => {
    const s = await start('many');
    const hashes = Array.from({ length: 17 }, (_, i) => (i + 1).toString(16).padStart(40, '0'));
    for (const h of hashes.slice(0, 16)) await s.session.fetchMetadata({ uri: `magnet:?xt=urn:btih:${h}` });
    await expect(s.session.fetchMetadata({ uri: `magnet:?xt=urn:btih:${hashes[16]}` })).rejects.toMatchObject({
      code: 'invalid-input',
      message: '16 magnet links are already fetching their metadata; cancel one, or add this one without waiting',
    });
    await s.session.cancelMetadata({ infoHash: hashes[0]! });
    expect(await s.session.fetchMetadata({ uri: `magnet:?xt=urn:btih:${hashes[16]}` })).toEqual({ infoHash: hashes[16] });
  });

  it('adds a duplicate’s new trackers to the torrent in the list, each in a tier of its own, and only those it lacks', async () => {
    const s = await start('trackers');
    const { infoHash } = await s.session.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') }, paused: true });
    const known = 'http://127.0.0.1:3/announce';
    await s.session.setTrackers({ infoHash, tiers: [[known]] });
    expect(await s.session.addTrackers({ infoHash, urls: [known, 'http://127.0.0.1:1/announce', 'udp://127.0.0.1:2'] })).toEqual({ added: 2 });
    expect(s.session.torrent(infoHash)!.announcer.tiers).toEqual([[known], ['http://127.0.0.1:1/announce'], ['udp://127.0.0.1:2']]);
    expect(await s.session.addTrackers({ infoHash, urls: ['udp://127.0.0.1:2'] })).toEqual({ added: 0 });
  });
});
