// `shoal seed --seed-ratio / --seed-time` against real aria2c leechers on 127.0.0.1: the Shoal
// seeder is their only source, and it stops serving at its limit.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseTorrent } from '../engine/metainfo/parse-torrent';
import { mktorrent, startAria2Leecher, startAria2Seeder, startOpentracker, type Peer, type Tracker } from '../testing/clients';
import { freePort, stopAll, tempDir, waitFor, type RunningProcess } from '../testing/processes';
import { compareTrees, exitOf, startShoal, writePayload } from '../testing/shoal-cli';

const MiB = 1024 * 1024;
const PIECE_LOG2 = 16;
const PIECE = 2 ** PIECE_LOG2;

interface Fixture {
  readonly dataDir: string;
  readonly torrent: string;
  readonly size: number;
}

interface Summary {
  readonly state: string;
  readonly uploaded: number;
  readonly length: number;
}

let work: { path: string; remove(): Promise<void> };
let tracker: Tracker;
const fixtures = new Map<string, Fixture>();
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  work = await tempDir('share-limits-interop');
  const port = await freePort();
  const hashes: string[] = [];
  for (const [name, size] of [['ratio', 4 * MiB + 4321], ['time', 8 * MiB]] as const) {
    const dataDir = join(work.path, `data-${name}`);
    await writePayload(dataDir, { [`${name}.bin`]: size });
    const torrent = await mktorrent(join(dataDir, `${name}.bin`), join(work.path, `${name}.torrent`), {
      announce: [`http://127.0.0.1:${port}/announce`],
      pieceLengthLog2: PIECE_LOG2,
    });
    hashes.push(parseTorrent(await readFile(torrent)).infoHashHex);
    fixtures.set(name, { dataDir, torrent, size });
  }
  tracker = await startOpentracker(hashes, port);
}, 60_000);

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

afterAll(async () => {
  await tracker?.stop();
  await stopAll();
  await work?.remove();
});

function keep<T extends { stop(): Promise<void> }>(thing: T): T {
  cleanups.push(() => thing.stop());
  return thing;
}

async function leecher(f: Fixture, label: string, downloadLimit: string): Promise<Peer> {
  const out = await tempDir(`leech-${label}`);
  cleanups.push(() => out.remove());
  return keep(await startAria2Leecher(f.torrent, out.path, { downloadLimit }));
}

function jsonLines(proc: RunningProcess): Record<string, unknown>[] {
  return proc
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function summaryOf(proc: RunningProcess): Summary {
  const summary = jsonLines(proc).find((l) => l.type === 'summary');
  if (!summary) throw new Error(`no summary; shoal printed:\n${proc.output().slice(-3000)}`);
  return summary as unknown as Summary;
}

/** The seeder's uploaded bytes as its latest progress line says. */
function lastUploaded(proc: RunningProcess): number {
  const progress = jsonLines(proc).filter((l) => l.type === 'progress');
  return (progress.at(-1)?.uploaded as number | undefined) ?? 0;
}

describe('shoal seed stops at its share limits', () => {
  it('with --seed-ratio 1, uploads at least the size and at most one piece more, then pauses while a leecher still wants data', async () => {
    const f = fixtures.get('ratio')!;
    const seeder = keep(startShoal(['seed', f.torrent, '--data', f.dataDir, '--seed-ratio', '1', '--announce-interval', '1', '--json']));
    // The first leecher takes about half and leaves; a fresh one then wants the whole torrent
    // again, so the seeder is asked for more than its limit allows.
    const first = await leecher(f, 'first', '1M');
    await waitFor('the seeder to upload half', () => (lastUploaded(seeder) >= f.size / 2 ? true : undefined), 45_000, 100).catch((err: Error) => {
      throw new Error(`${err.message}\nshoal:\n${seeder.output().slice(-2000)}\naria2:\n${first.process.output().slice(-2000)}`);
    });
    await first.stop();
    expect(first.process.child.exitCode).not.toBe(0);
    const second = await leecher(f, 'second', '1M');

    expect(await exitOf(seeder, 40_000)).toBe(0);
    const summary = summaryOf(seeder);
    expect(summary.state).toBe('paused');
    expect(summary.length).toBe(f.size);
    expect(summary.uploaded).toBeGreaterThanOrEqual(f.size);
    expect(summary.uploaded).toBeLessThanOrEqual(f.size + PIECE);
    // Its only source gone, the second leecher never completes.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(second.process.child.exitCode, second.process.output()).toBeNull();
  }, 120_000);

  it('with --seed-time 0.25, stops uploading after 15 s of seeding though the leecher is not done', async () => {
    const f = fixtures.get('time')!;
    const seeder = keep(startShoal(['seed', f.torrent, '--data', f.dataDir, '--seed-time', '0.25', '--announce-interval', '1', '--json']));
    // The first progress line saying 'seeding' comes within a second of seeding starting.
    const seedingSince = await waitFor('the seeder to seed', () => (seeder.output().includes('"state":"seeding"') ? Date.now() : undefined), 20_000, 50);
    // 8 MiB at 256 KiB/s takes 32 s: far longer than the seeding time.
    const aria = await leecher(f, 'slow', '256K');
    expect(await exitOf(seeder, 40_000)).toBe(0);
    const seconds = (Date.now() - seedingSince) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(14);
    expect(seconds).toBeLessThanOrEqual(22);
    const summary = summaryOf(seeder);
    expect(summary.state).toBe('paused');
    expect(summary.uploaded).toBeGreaterThan(0);
    expect(summary.uploaded).toBeLessThan(f.size);
    // Nothing flowed after the pause: the summary's count is the last one, and aria2 is not done.
    expect(Math.max(...jsonLines(seeder).map((l) => (l.uploaded as number | undefined) ?? 0))).toBe(summary.uploaded);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(aria.process.child.exitCode, aria.process.output()).toBeNull();
  }, 90_000);

  it('shoal download --seed-time downloads from aria2c, seeds that long, and exits 0 paused', async () => {
    const f = fixtures.get('ratio')!;
    keep(await startAria2Seeder(f.torrent, f.dataDir));
    const out = await tempDir('download-out');
    cleanups.push(() => out.remove());
    const proc = keep(startShoal(['download', f.torrent, '-o', out.path, '--seed-time', '0.05', '--json']));
    expect(await exitOf(proc, 60_000), proc.output()).toBe(0);
    const summary = summaryOf(proc);
    expect(summary.state).toBe('paused');
    expect(jsonLines(proc).some((l) => l.type === 'progress' && l.state === 'seeding')).toBe(true);
    expect(await compareTrees(join(f.dataDir, 'ratio.bin'), join(out.path, 'ratio.bin'))).toEqual([]);
  }, 90_000);

  it('run again on the same state folder past its limit, stops at once instead of seeding for good', async () => {
    const f = fixtures.get('time')!;
    const state = await tempDir('state');
    cleanups.push(() => state.remove());
    const args = ['seed', f.torrent, '--data', f.dataDir, '--seed-time', '0.05', '--state-dir', state.path, '--json'];
    const first = keep(startShoal(args));
    expect(await exitOf(first, 30_000)).toBe(0);
    expect(summaryOf(first).state).toBe('paused');
    // Restored paused past its limit: resuming it must not count as the user's "keep seeding".
    const again = keep(startShoal(args));
    expect(await exitOf(again, 15_000)).toBe(0);
    expect(summaryOf(again).state).toBe('paused');
  }, 60_000);
});
