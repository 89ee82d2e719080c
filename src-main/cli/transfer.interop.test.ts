// Shoal against real clients on 127.0.0.1: Debian's opentracker, aria2c and Transmission.
import { createServer, type Server } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseTorrent } from '../engine/metainfo/parse-torrent';
import { mktorrent, startAria2Leecher, startAria2Seeder, startOpentracker, startTransmissionLeecher, startTransmissionSeeder, type Peer, type Tracker } from '../testing/clients';
import { startHostilePeer, type HostilePeer } from '../testing/hostile-peer';
import { freePort, stopAll, tempDir, type RunningProcess } from '../testing/processes';
import { compareTrees, exitOf, startShoal, writePayload } from '../testing/shoal-cli';

const MiB = 1024 * 1024;
/**
 * Transmission never dials 127.0.0.1 peers and may announce after we do; the tracker's min
 * interval (15 min for opentracker) would keep us from hearing of it, so ask every second.
 */
const TRANSMISSION_PEERS = ['--announce-interval', '1'];

interface Fixture {
  /** Folder holding the payload (the torrent's name inside it). */
  readonly dataDir: string;
  /** The payload itself: a file, or the multi-file torrent's folder. */
  readonly payload: string;
  readonly torrent: string;
  readonly infoHash: string;
}

let work: { path: string; remove(): Promise<void> };
let tracker: Tracker;
const fixtures = new Map<string, Fixture>();
const cleanups: (() => Promise<void>)[] = [];

/** A payload and its torrent (made by mktorrent); each announce URL is a tier of its own. */
async function makeFixture(name: string, files: Record<string, number>, announce: readonly string[], pieceLog2 = 16): Promise<Fixture> {
  const dataDir = join(work.path, `data-${name}`);
  await writePayload(dataDir, files);
  const top = Object.keys(files)[0]!.split('/')[0]!;
  const payload = join(dataDir, top);
  const torrent = await mktorrent(payload, join(work.path, `${name}.torrent`), { announce, pieceLengthLog2: pieceLog2 });
  const infoHash = parseTorrent(await readFile(torrent)).infoHashHex;
  return { dataDir, payload, torrent, infoHash };
}

beforeAll(async () => {
  work = await tempDir('transfer-interop');
  // The tracker's URLs go into the torrents, and its allow-list needs their hashes: reserve its
  // port first, make the torrents, then start it.
  const port = await freePort();
  const http = `http://127.0.0.1:${port}/announce`;
  const udp = `udp://127.0.0.1:${port}/announce`;
  const deadTracker = `http://127.0.0.1:${await freePort()}/announce`;
  const specs: [string, Record<string, number>, string[]][] = [
    ['single-http', { 'single.bin': 6 * MiB + 12345 }, [http]],
    // aria2 announces over UDP only with DHT on, so its torrents list HTTP as a second tier
    // (Shoal, trying tiers in order, still announces over UDP).
    ['multi-udp', { 'multi/a.bin': 2 * MiB + 7, 'multi/sub/b.bin': 1 * MiB, 'multi/sub/c.txt': 100_000, 'multi/empty': 0 }, [udp, http]],
    ['single-udp', { 'single2.bin': 3 * MiB + 999 }, [udp]],
    ['multi-http', { 'multi2/x.bin': 1 * MiB + 3, 'multi2/y/z.bin': 2 * MiB - 5 }, [http]],
    ['seeded', { 'seeded.bin': 4 * MiB + 1 }, [http]],
    ['halves', { 'halves.bin': 4 * MiB }, [http]],
    ['hostile', { 'hostile.bin': 4 * MiB }, [http]],
    ['dropout', { 'dropout.bin': 4 * MiB }, [http]],
    ['unasked', { 'unasked.bin': 4 * MiB }, [http]],
    ['deadtracker', { 'dead.bin': 2 * MiB }, [deadTracker, http]],
  ];
  for (const [name, files, announce] of specs) fixtures.set(name, await makeFixture(name, files, announce));
  tracker = await startOpentracker([...fixtures.values()].map((f) => f.infoHash), port);
}, 60_000);

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  outputs.length = 0;
});

afterAll(async () => {
  await tracker?.stop();
  await stopAll();
  await work?.remove();
});

function fixture(name: string): Fixture {
  const f = fixtures.get(name);
  if (!f) throw new Error(`no fixture ${name}`);
  return f;
}

function keep<T extends { stop(): Promise<void> }>(thing: T): T {
  cleanups.push(() => thing.stop());
  const proc = 'process' in thing ? (thing as { process: RunningProcess }).process : 'output' in thing ? (thing as unknown as RunningProcess) : undefined;
  if (proc) outputs.push(proc);
  return thing;
}

const outputs: RunningProcess[] = [];

/** What the other programs of a failed test printed, for its failure message. */
function peersSaid(): string {
  return outputs.map((p) => `--- ${p.child.spawnargs.slice(0, 2).join(' ')}:\n${p.output().slice(-1500)}`).join('\n');
}

/** Runs `shoal download` into a fresh folder and checks the bytes; returns its output. */
async function download(f: Fixture, timeoutMs: number, extra: string[] = []): Promise<string> {
  const out = await tempDir('out');
  cleanups.push(() => out.remove());
  const proc = keep(startShoal(['download', f.torrent, '-o', out.path, '--json', ...extra]));
  const code = await exitOf(proc, timeoutMs).catch(async (err: Error) => {
    const scrape = await fetch(tracker.httpUrl.replace('announce', 'scrape')).then((r) => r.arrayBuffer()).catch(() => new ArrayBuffer(0));
    throw new Error(`${err.message}\n${peersSaid()}\ntracker scrape: ${Buffer.from(scrape).toString('latin1')}`);
  });
  const name = f.payload.split('/').pop()!;
  expect(code, proc.output()).toBe(0);
  expect(await compareTrees(f.payload, join(out.path, name))).toEqual([]);
  return proc.output();
}

describe('shoal download from real seeders', () => {
  it('gets a single-file torrent from an aria2c seeder over HTTP', async () => {
    const f = fixture('single-http');
    keep(await startAria2Seeder(f.torrent, f.dataDir));
    const output = await download(f, 60_000);
    const summary = JSON.parse(output.trim().split('\n').filter((l) => l.includes('"summary"')).pop()!) as { downloaded: number; wasted: number };
    expect(summary.downloaded).toBeGreaterThanOrEqual(6 * MiB + 12345);
  }, 90_000);

  it('gets a multi-file torrent from an aria2c seeder over UDP', async () => {
    const f = fixture('multi-udp');
    keep(await startAria2Seeder(f.torrent, f.dataDir));
    await download(f, 60_000);
  }, 90_000);

  it('gets a single-file torrent from a Transmission seeder over UDP', async () => {
    const f = fixture('single-udp');
    keep(await startTransmissionSeeder(f.torrent, f.dataDir));
    await download(f, 80_000, TRANSMISSION_PEERS);
  }, 100_000);

  it('gets a multi-file torrent from a Transmission seeder over HTTP', async () => {
    const f = fixture('multi-http');
    keep(await startTransmissionSeeder(f.torrent, f.dataDir));
    await download(f, 80_000, TRANSMISSION_PEERS);
  }, 100_000);

  it('gets a torrent from aria2c and Transmission at once', async () => {
    const f = fixture('single-http');
    const aria = keep(await startAria2Seeder(f.torrent, f.dataDir, { uploadLimit: '2M' }));
    const tr = keep(await startTransmissionSeeder(f.torrent, f.dataDir));
    const output = await download(f, 80_000, TRANSMISSION_PEERS);
    expect(aria.process.child.exitCode).toBeNull();
    expect(tr.process.child.exitCode).toBeNull();
    expect(output).toContain('"summary"');
  }, 100_000);
});

describe('real leechers download from a Shoal seeder', () => {
  it('serves aria2c and transmission-cli, dialling Transmission itself', async () => {
    const f = fixture('seeded');
    const seeder = keep(startShoal(['seed', f.torrent, '--data', f.dataDir, '--announce-interval', '1']));
    const leechers: [string, Peer, string][] = [];
    for (const [kind, start] of [['aria2c', startAria2Leecher], ['transmission', startTransmissionLeecher]] as const) {
      const out = await tempDir(`leech-${kind}`);
      cleanups.push(() => out.remove());
      leechers.push([kind, keep(await start(f.torrent, out.path)), out.path]);
    }
    for (const [kind, leecher, out] of leechers) {
      const code = await exitOf(leecher.process, 80_000).catch((err: Error) => {
        throw new Error(`${kind}: ${err.message}\nseeder said:\n${seeder.output().slice(-3000)}`);
      });
      expect(code, `${kind}: ${leecher.process.output()}`).toBe(0);
      expect(await compareTrees(f.payload, join(out, 'seeded.bin'))).toEqual([]);
    }
  }, 120_000);
});

describe('leechers trade with each other', () => {
  it('a third leecher completes from two that each hold a different half', async () => {
    const f = fixture('halves');
    const metainfo = parseTorrent(await readFile(f.torrent));
    const content = await readFile(f.payload);
    const half = Math.floor(metainfo.pieceCount / 2) * metainfo.pieceLength;
    const holders: RunningProcess[] = [];
    for (const [label, keepRange] of [['first', [0, half]], ['second', [half, content.length]]] as const) {
      const dir = await tempDir(`half-${label}`);
      cleanups.push(() => dir.remove());
      // Everything outside the half is zeroed, so those pieces fail the check and count as missing.
      const partial = Buffer.alloc(content.length);
      content.copy(partial, keepRange[0], keepRange[0], keepRange[1]);
      await writeFile(join(dir.path, 'halves.bin'), partial);
      holders.push(keep(startShoal(['seed', f.torrent, '--data', dir.path, '--announce-interval', '1'])));
    }
    await download(f, 80_000);
    for (const holder of holders) expect(holder.child.exitCode).toBeNull();
  }, 120_000);
});

describe('bad peers, dead trackers, busy ports', () => {
  it('bans a peer that sends corrupt blocks and finishes from a good one', async () => {
    const f = fixture('hostile');
    const metainfo = parseTorrent(await readFile(f.torrent));
    const hostile: HostilePeer = keep(await startHostilePeer(metainfo, tracker.httpUrl, 'corrupt'));
    keep(await startAria2Seeder(f.torrent, f.dataDir));
    const output = await download(f, 80_000);
    expect(hostile.stats.blocksSent).toBeGreaterThan(0);
    expect(output).toMatch(/failed its hash check/);
    expect(output).toContain(`banned 127.0.0.1:${hostile.port}`);
    const summary = JSON.parse(output.trim().split('\n').filter((l) => l.includes('"summary"')).pop()!) as { wasted: number };
    expect(summary.wasted).toBeGreaterThan(0);
  }, 100_000);

  it('discards blocks nobody asked for as waste, with no hash failure and the honest requests kept', async () => {
    const f = fixture('unasked');
    const metainfo = parseTorrent(await readFile(f.torrent));
    const hostile = keep(await startHostilePeer(metainfo, tracker.httpUrl, 'unrequested'));
    keep(await startAria2Seeder(f.torrent, f.dataDir, { uploadLimit: '1M' }));
    const output = await download(f, 80_000);
    expect(hostile.stats.blocksSent).toBeGreaterThan(0);
    expect(output).not.toMatch(/failed its hash check/);
    const summary = JSON.parse(output.trim().split('\n').filter((l) => l.includes('"summary"')).pop()!) as { wasted: number };
    expect(summary.wasted).toBeGreaterThan(0);
  }, 100_000);

  it('carries on when a peer disconnects in the middle of a piece', async () => {
    const f = fixture('dropout');
    const metainfo = parseTorrent(await readFile(f.torrent));
    const content = await readFile(f.payload);
    const dropout = keep(await startHostilePeer(metainfo, tracker.httpUrl, 'disconnect-mid-piece', content));
    keep(await startAria2Seeder(f.torrent, f.dataDir));
    const output = await download(f, 80_000);
    expect(dropout.stats.blocksSent).toBeGreaterThan(0);
    expect(output).toMatch(new RegExp(`127\\.0\\.0\\.1:${dropout.port} disconnected mid-piece`));
  }, 100_000);

  it('says a tracker is down and downloads through the next tier', async () => {
    const f = fixture('deadtracker');
    keep(await startAria2Seeder(f.torrent, f.dataDir));
    const output = await download(f, 80_000);
    expect(output).toMatch(/tracker http:\/\/127\.0\.0\.1:\d+\/announce: .+/);
  }, 100_000);

  it('refuses a listening port that is already in use with a clear error', async () => {
    const port = await freePort();
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const out = await tempDir('busy');
    cleanups.push(() => out.remove());
    const proc = keep(startShoal(['download', fixture('single-http').torrent, '-o', out.path, '--port', String(port)]));
    expect(await exitOf(proc, 30_000)).toBe(1);
    expect(proc.output()).toContain(`error: port ${port} is already in use`);
    expect(proc.output()).not.toMatch(/\n\s+at /); // no stack trace
  }, 40_000);
});
