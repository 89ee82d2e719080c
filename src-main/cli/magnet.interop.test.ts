// Magnet links against real clients on 127.0.0.1: `shoal download 'magnet:?…'` from aria2c (which
// serves the metadata over BEP 9) found through opentracker and from another Shoal named by x.pe;
// and aria2c resolving a magnet link from a Shoal seeder.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseTorrent } from '../engine/metainfo/parse-torrent';
import { mktorrent, startAria2Leecher, startAria2Seeder, startOpentracker, type Tracker } from '../testing/clients';
import { freePort, stopAll, tempDir, waitFor, type RunningProcess } from '../testing/processes';
import { compareTrees, exitOf, startShoal, writePayload } from '../testing/shoal-cli';

const MiB = 1024 * 1024;

interface Fixture {
  readonly dataDir: string;
  readonly payload: string;
  readonly torrent: string;
  readonly infoHash: string;
  readonly name: string;
}

let work: { path: string; remove(): Promise<void> };
let tracker: Tracker;
let trackerPort: number;
const fixtures = new Map<string, Fixture>();
const cleanups: (() => Promise<void>)[] = [];

/** A payload and its torrent; `announce` empty makes a trackerless torrent. */
async function makeFixture(name: string, files: Record<string, number>, announce: readonly string[]): Promise<Fixture> {
  const dataDir = join(work.path, `data-${name}`);
  await writePayload(dataDir, files);
  const top = Object.keys(files)[0]!.split('/')[0]!;
  const payload = join(dataDir, top);
  // 32 KiB pieces: a 3 MiB torrent has an info dictionary of two BEP 9 pieces, so both are asked for.
  const torrent = await mktorrent(payload, join(work.path, `${name}.torrent`), { announce, pieceLengthLog2: 15 });
  const infoHash = parseTorrent(await readFile(torrent)).infoHashHex;
  return { dataDir, payload, torrent, infoHash, name: top };
}

beforeAll(async () => {
  work = await tempDir('magnet-interop');
  trackerPort = await freePort();
  fixtures.set('aria2', await makeFixture('aria2', { 'from aria2.bin': 3 * MiB + 4321 }, [`http://127.0.0.1:${trackerPort}/announce`]));
  fixtures.set('shoal', await makeFixture('shoal', { 'from-shoal/a.bin': 2 * MiB + 17, 'from-shoal/b/c.bin': 1 * MiB - 3 }, []));
  fixtures.set('served', await makeFixture('served', { 'served.bin': 3 * MiB - 1 }, [`http://127.0.0.1:${trackerPort}/announce`]));
  tracker = await startOpentracker([fixtures.get('aria2')!.infoHash, fixtures.get('served')!.infoHash], trackerPort);
}, 60_000);

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

afterAll(async () => {
  await tracker?.stop();
  await stopAll();
  await work?.remove();
});

function keep(proc: RunningProcess): RunningProcess {
  cleanups.push(() => proc.stop());
  return proc;
}

/** Runs `shoal download <magnet>` into a fresh folder, checks the bytes, returns its JSON lines. */
async function downloadMagnet(f: Fixture, magnet: string, timeoutMs: number, peersSaid: () => string): Promise<{ type: string; state?: string; name?: string }[]> {
  const out = await tempDir('magnet-out');
  cleanups.push(() => out.remove());
  const proc = keep(startShoal(['download', magnet, '-o', out.path, '--json', '--announce-interval', '1']));
  const code = await exitOf(proc, timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}\n--- the seeder said:\n${peersSaid()}`);
  });
  expect(code, proc.output()).toBe(0);
  expect(await compareTrees(f.payload, join(out.path, f.name))).toEqual([]);
  return proc
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { type: string; state?: string; name?: string });
}

describe('shoal download of a magnet link', () => {
  it('fetches the metadata from an aria2c seeder found through opentracker, then the data', async () => {
    const f = fixtures.get('aria2')!;
    const seeder = await startAria2Seeder(f.torrent, f.dataDir);
    cleanups.push(() => seeder.stop());
    const magnet = `magnet:?xt=urn:btih:${f.infoHash}&dn=${encodeURIComponent('from aria2')}&tr=${encodeURIComponent(tracker.httpUrl)}`;
    const lines = await downloadMagnet(f, magnet, 60_000, () => seeder.process.output().slice(-2000));
    const summary = lines.find((l) => l.type === 'summary');
    expect(summary).toMatchObject({ state: 'seeding', name: f.name });
  }, 90_000);

  it('fetches the metadata and the data from another Shoal named by x.pe, with no tracker', async () => {
    const f = fixtures.get('shoal')!;
    const port = await freePort();
    const seeder = keep(startShoal(['seed', f.torrent, '--data', f.dataDir, '--port', String(port)]));
    await waitFor('the Shoal seeder to check its data', () => (seeder.output().includes('seeding (Ctrl-C to stop)') ? true : undefined), 20_000);
    const magnet = `magnet:?xt=urn:btih:${f.infoHash}&x.pe=127.0.0.1:${port}`;
    const lines = await downloadMagnet(f, magnet, 60_000, () => seeder.output().slice(-2000));
    expect(lines.find((l) => l.type === 'summary')).toMatchObject({ state: 'seeding', name: 'from-shoal' });
  }, 90_000);

  it('serves the metadata to aria2c, which resolves a magnet link from a Shoal seeder', async () => {
    const f = fixtures.get('served')!;
    const seeder = keep(startShoal(['seed', f.torrent, '--data', f.dataDir, '--announce-interval', '1']));
    await waitFor('the Shoal seeder to check its data', () => (seeder.output().includes('seeding (Ctrl-C to stop)') ? true : undefined), 20_000);
    const out = await tempDir('aria2-magnet');
    cleanups.push(() => out.remove());
    const leecher = await startAria2Leecher(`magnet:?xt=urn:btih:${f.infoHash}&tr=${encodeURIComponent(tracker.httpUrl)}`, out.path);
    cleanups.push(() => leecher.stop());
    const code = await exitOf(leecher.process, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n--- the Shoal seeder said:\n${seeder.output().slice(-2000)}`);
    });
    expect(code, leecher.process.output()).toBe(0);
    expect(await compareTrees(f.payload, join(out.path, f.name))).toEqual([]);
  }, 90_000);

  it('refuses an invalid magnet link with a one-sentence error', async () => {
    const out = await tempDir('magnet-bad');
    cleanups.push(() => out.remove());
    const proc = keep(startShoal(['download', 'magnet:?xt=urn:btih:1234', '-o', out.path]));
    expect(await exitOf(proc, 20_000)).toBe(1);
    expect(proc.output()).toMatch(/error: Invalid magnet link: its info-hash must be 40 hex digits or 32 base32 characters\./);
  }, 30_000);
});
