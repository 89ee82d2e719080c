import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLimitSettings, defaultTorrentOptions, type Settings } from '../../../src-shared/contract/data';
import { readTorrent } from '../../testing/shared-fixtures';
import { buildV2Torrent } from '../../testing/v2-torrent';
import { bencode } from '../bencode';
import { parseTorrent } from '../metainfo/parse-torrent';
import { tempDir } from '../../testing/processes';
import type { SavedMagnet, SavedTorrent } from './saved-session';
import { SEEDING_TIME_ONLY_MS, SessionStore, type SessionSnapshot } from './session-store';

const settings: Settings = { downloadDir: '/downloads', listenPort: 6881, maxConnectionsPerTorrent: 40, theme: 'system', ...structuredClone(defaultLimitSettings) };
const alice = parseTorrent(readTorrent('alice.torrent'));
const numbers = parseTorrent(readTorrent('numbers.torrent'));
const magnet: SavedMagnet = { kind: 'magnet', uri: 'magnet:?xt=urn:btih:' + 'ab'.repeat(20), savePath: '/downloads', paused: false, addedAt: 5 };

function record(infoHash: string, changes: Partial<SavedTorrent> = {}): SavedTorrent {
  return {
    version: 2, infoHash, savePath: '/downloads', paused: false, priorities: ['normal'], options: defaultTorrentOptions,
    totals: { uploaded: 1, downloaded: 2, wasted: 0 }, seedingSeconds: 3, addedAt: 4, completedAt: null,
    resume: { have: 'AAA=', files: [null] }, ...changes,
  };
}

const snapshot = (...records: SavedTorrent[]): SessionSnapshot => ({
  settings,
  entries: [...records.map((r) => ({ kind: 'torrent' as const, record: r, metainfo: r.infoHash === alice.infoHashHex ? alice : numbers })), magnet],
});

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir('store');
});
afterEach(() => dir.remove());

describe('SessionStore', () => {
  it('saves and restores torrents in order, magnets and settings', async () => {
    const a = record(alice.infoHashHex, { paused: true });
    const n = record(numbers.infoHashHex, { priorities: ['skip', 'normal', 'high'] });
    await new SessionStore(dir.path).save(snapshot(n, a));
    const loaded = await new SessionStore(dir.path).load();
    expect(loaded.problems).toEqual([]);
    expect(loaded.settings).toEqual(settings);
    expect(loaded.entries.map((e) => (e.kind === 'torrent' ? e.record : e))).toEqual([n, a, magnet]);
    const restored = loaded.entries[1];
    expect(restored?.kind === 'torrent' && restored.metainfo.infoHashHex).toBe(alice.infoHashHex);
  });

  it('keeps the all-time transfer totals in the list, and reads zeros from a file without them', async () => {
    await new SessionStore(dir.path).save(snapshot());
    expect((await new SessionStore(dir.path).load()).allTime).toEqual({ downloaded: 0, uploaded: 0 });
    await new SessionStore(dir.path).save({ ...snapshot(), allTime: { downloaded: 5_000_000_000, uploaded: 7 } });
    expect((await new SessionStore(dir.path).load()).allTime).toEqual({ downloaded: 5_000_000_000, uploaded: 7 });
  });

  it('rewrites only the torrents that changed, and deletes removed ones after the list', async () => {
    const store = new SessionStore(dir.path);
    const a = record(alice.infoHashHex);
    const n = record(numbers.infoHashHex);
    await store.save(snapshot(a, n));
    const statePath = (hash: string) => join(dir.path, 'torrents', `${hash}.json`);
    const before = (await stat(statePath(alice.infoHashHex))).ino;
    await store.save(snapshot(a, { ...n, totals: { uploaded: 9, downloaded: 9, wasted: 0 } }));
    expect((await stat(statePath(alice.infoHashHex))).ino).toBe(before);
    expect(JSON.parse(await readFile(statePath(numbers.infoHashHex), 'utf8'))).toMatchObject({ totals: { uploaded: 9 } });
    await store.save(snapshot(n));
    expect((await readdir(join(dir.path, 'torrents'))).sort()).toEqual([`${numbers.infoHashHex}.json`, `${numbers.infoHashHex}.torrent`]);
  });

  it('writes the index only after every torrent it names, and retries a torrent whose write failed', async () => {
    const store = new SessionStore(dir.path);
    const a = record(alice.infoHashHex);
    const n = record(numbers.infoHashHex);
    // A folder where alice's state file goes: renaming the new state over it fails.
    await mkdir(join(dir.path, 'torrents', `${alice.infoHashHex}.json`), { recursive: true });
    await expect(store.save(snapshot(a, n))).rejects.toMatchObject({ code: 'io' });
    expect(await readdir(dir.path)).not.toContain('session.json');
    await rm(join(dir.path, 'torrents', `${alice.infoHashHex}.json`), { recursive: true });
    await store.save(snapshot(a, n));
    const loaded = await new SessionStore(dir.path).load();
    expect(loaded.entries.map((e) => (e.kind === 'torrent' ? e.record : e))).toEqual([a, n, magnet]);
  });

  it("writes a v2 magnet's .torrent again once its piece layers have come from peers, so a restart keeps them", async () => {
    const parts = buildV2Torrent({ name: 'v2', pieceLength: 16_384, files: [{ path: ['big'], data: new Uint8Array(50_000).fill(3) }, { path: ['small'], data: new Uint8Array(9) }] });
    const fromPeers = parseTorrent(bencode({ info: parts.info }), { pieceLayersLater: true });
    const withLayers = parseTorrent(bencode({ info: parts.info, 'piece layers': parts.pieceLayers }));
    const r = record(fromPeers.infoHashHex, { priorities: ['normal', 'normal', 'normal'] });
    const entries = (metainfo: typeof fromPeers): SessionSnapshot => ({ settings, entries: [{ kind: 'torrent', record: r, metainfo }] });
    const store = new SessionStore(dir.path);
    await store.save(entries(fromPeers));
    const torrentPath = join(dir.path, 'torrents', `${fromPeers.infoHashHex}.torrent`);
    expect(parseTorrent(await readFile(torrentPath), { pieceLayersLater: true }).files[0]!.pieceLayer).toBeUndefined();
    // The same state, a routine save: only the layers changed, and they are written.
    await store.save(entries(withLayers), { routine: true });
    const restored = (await new SessionStore(dir.path).load()).entries[0];
    expect(restored?.kind === 'torrent' && restored.metainfo.files[0]!.pieceLayer).toEqual(withLayers.files[0]!.pieceLayer);
    expect(parseTorrent(await readFile(torrentPath)).version).toBe('v2');
    // Nothing new: nothing written.
    const before = (await stat(torrentPath)).ino;
    await store.save(entries(withLayers));
    expect((await stat(torrentPath)).ino).toBe(before);
  });

  it('lets routine saves leave a change of seeding time alone unwritten for a while, but not other saves', async () => {
    const store = new SessionStore(dir.path);
    const statePath = join(dir.path, 'torrents', `${alice.infoHashHex}.json`);
    const savedSeconds = async () => (JSON.parse(await readFile(statePath, 'utf8')) as SavedTorrent).seedingSeconds;
    await store.save(snapshot(record(alice.infoHashHex, { seedingSeconds: 10 })), { now: 0 });
    await store.save(snapshot(record(alice.infoHashHex, { seedingSeconds: 40 })), { routine: true, now: 30_000 });
    expect(await savedSeconds()).toBe(10);
    // Any other change goes out with the routine save, seeding time included.
    await store.save(snapshot(record(alice.infoHashHex, { seedingSeconds: 70, totals: { uploaded: 5, downloaded: 2, wasted: 0 } })), { routine: true, now: 60_000 });
    expect(await savedSeconds()).toBe(70);
    await store.save(snapshot(record(alice.infoHashHex, { seedingSeconds: 100, totals: { uploaded: 5, downloaded: 2, wasted: 0 } })), { routine: true, now: 60_000 + SEEDING_TIME_ONLY_MS - 1 });
    expect(await savedSeconds()).toBe(70);
    await store.save(snapshot(record(alice.infoHashHex, { seedingSeconds: 130, totals: { uploaded: 5, downloaded: 2, wasted: 0 } })), { routine: true, now: 60_000 + SEEDING_TIME_ONLY_MS });
    expect(await savedSeconds()).toBe(130);
    // A save asked for at once (at exit) writes it.
    await store.save(snapshot(record(alice.infoHashHex, { seedingSeconds: 160, totals: { uploaded: 5, downloaded: 2, wasted: 0 } })), { now: 60_000 + SEEDING_TIME_ONLY_MS + 1 });
    expect(await savedSeconds()).toBe(160);
  });

  it('tells a change of seeding time alone from a change of a name that spells the counter', async () => {
    const store = new SessionStore(dir.path);
    const statePath = join(dir.path, 'torrents', `${alice.infoHashHex}.json`);
    const saved = async () => JSON.parse(await readFile(statePath, 'utf8')) as SavedTorrent;
    const odd = { savePath: '/d/"seedingSeconds":1', tags: ['"seedingSeconds":2}'] };
    await store.save(snapshot(record(alice.infoHashHex, { ...odd, seedingSeconds: 10 })), { now: 0 });
    await store.save(snapshot(record(alice.infoHashHex, { ...odd, seedingSeconds: 40 })), { routine: true, now: 30_000 });
    expect((await saved()).seedingSeconds).toBe(10);
    await store.save(snapshot(record(alice.infoHashHex, { ...odd, tags: ['"seedingSeconds":3}'], seedingSeconds: 70 })), { routine: true, now: 60_000 });
    expect(await saved()).toMatchObject({ tags: ['"seedingSeconds":3}'], seedingSeconds: 70, savePath: odd.savePath });
  });

  it('sets a corrupt list aside, says so, and still restores the torrents beside it', async () => {
    await new SessionStore(dir.path).save(snapshot(record(alice.infoHashHex)));
    await writeFile(join(dir.path, 'session.json'), '{"version": 2, "torr');
    const loaded = await new SessionStore(dir.path).load();
    expect(loaded.problems).toEqual([expect.stringMatching(/^The saved session list could not be read \(it is not valid JSON\); it was kept as .*session\.json\.bad-/)]);
    expect(loaded.entries.map((e) => e.kind === 'torrent' && e.record.infoHash)).toEqual([alice.infoHashHex]);
    expect((await readdir(dir.path)).some((n) => n.startsWith('session.json.bad-'))).toBe(true);
  });

  it('sets an invalid torrent state aside and names it, keeping the others', async () => {
    await new SessionStore(dir.path).save(snapshot(record(alice.infoHashHex), record(numbers.infoHashHex)));
    const bad = join(dir.path, 'torrents', `${alice.infoHashHex}.json`);
    await writeFile(bad, JSON.stringify({ ...record(alice.infoHashHex), savePath: 'relative' }));
    const loaded = await new SessionStore(dir.path).load();
    expect(loaded.problems).toEqual([expect.stringMatching(new RegExp(`^The saved torrent ${alice.infoHashHex} could not be restored \\(savePath: must be an absolute path\\); its state was kept as .*\\.json\\.bad-`))]);
    expect(loaded.entries.map((e) => (e.kind === 'torrent' ? e.record.infoHash : e.kind))).toEqual([numbers.infoHashHex, 'magnet']);
    expect((await readdir(join(dir.path, 'torrents'))).filter((n) => n.includes('.bad-'))).toHaveLength(1);
  });

  it('starts empty in a new folder', async () => {
    expect(await new SessionStore(join(dir.path, 'new')).load()).toEqual({ settings: {}, entries: [], allTime: { downloaded: 0, uploaded: 0 }, problems: [] });
  });
});
