// `shoal seed --seed-ratio / --seed-time` against real aria2c leechers on 127.0.0.1: the Shoal
// seeder is their only source, and it stops serving at its limit.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAria2Leecher, startAria2Seeder, type Peer } from '../testing/clients';
import { useInteropLab, type LabTorrent } from '../testing/interop-lab';
import { waitFor, type RunningProcess } from '../testing/processes';
import { compareTrees, exitOf, startShoal } from '../testing/shoal-cli';

const MiB = 1024 * 1024;
const PIECE_LOG2 = 16;
const PIECE = 2 ** PIECE_LOG2;

interface Summary {
  readonly state: string;
  readonly uploaded: number;
  readonly length: number;
}

const lab = useInteropLab('share-limits-interop', {
  ratio: { files: { 'ratio.bin': 4 * MiB + 4321 }, pieceLengthLog2: PIECE_LOG2 },
  time: { files: { 'time.bin': 8 * MiB }, pieceLengthLog2: PIECE_LOG2 },
});

async function leecher(f: LabTorrent, label: string, downloadLimit: string): Promise<Peer> {
  return lab.keep(await startAria2Leecher(f.torrent, await lab.scratch(`leech-${label}`), { downloadLimit }));
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
    const f = lab.torrent('ratio');
    // The seeder's own upload limit paces what it counts as uploaded: unpaced, it fills loopback's
    // socket buffers (several MiB) with the whole torrent while the slow aria2c still reads.
    const seeder = lab.keep(
      startShoal(['seed', f.torrent, '--data', f.dataDir, '--seed-ratio', '1', '--upload-limit', '1M', '--announce-interval', '1', '--json']),
    );
    // The first leecher takes about half and leaves; a fresh one then wants the whole torrent
    // again, so the seeder is asked for more than its limit allows.
    const first = await leecher(f, 'first', '1M');
    await waitFor('the seeder to upload half', () => (lastUploaded(seeder) >= f.metainfo.length / 2 ? true : undefined), 45_000, 100).catch((err: Error) => {
      throw new Error(`${err.message}\nshoal:\n${seeder.output().slice(-2000)}\naria2:\n${first.process.output().slice(-2000)}`);
    });
    await first.stop();
    expect(first.process.child.exitCode).not.toBe(0);
    const second = await leecher(f, 'second', '1M');

    expect(await exitOf(seeder, 40_000)).toBe(0);
    const summary = summaryOf(seeder);
    expect(summary.state).toBe('paused');
    expect(summary.length).toBe(f.metainfo.length);
    expect(summary.uploaded).toBeGreaterThanOrEqual(f.metainfo.length);
    expect(summary.uploaded).toBeLessThanOrEqual(f.metainfo.length + PIECE);
    // Its only source gone, the second leecher never completes.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(second.process.child.exitCode, second.process.output()).toBeNull();
  }, 120_000);

  it('with --seed-time 0.25, stops uploading after 15 s of seeding though the leecher is not done', async () => {
    const f = lab.torrent('time');
    const seeder = lab.keep(startShoal(['seed', f.torrent, '--data', f.dataDir, '--seed-time', '0.25', '--announce-interval', '1', '--json']));
    // The first progress line saying 'seeding' comes up to two seconds after seeding starts: the
    // row goes out on the list feed's half-second flush, then waits for the reporter's next line.
    const seedingSince = await waitFor('the seeder to seed', () => (seeder.output().includes('"state":"seeding"') ? Date.now() : undefined), 20_000, 50);
    // 8 MiB at 256 KiB/s takes 32 s: far longer than the seeding time.
    const aria = await leecher(f, 'slow', '256K');
    expect(await exitOf(seeder, 40_000)).toBe(0);
    const seconds = (Date.now() - seedingSince) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(13);
    expect(seconds).toBeLessThanOrEqual(22);
    const summary = summaryOf(seeder);
    expect(summary.state).toBe('paused');
    expect(summary.uploaded).toBeGreaterThan(0);
    expect(summary.uploaded).toBeLessThan(f.metainfo.length);
    // Nothing flowed after the pause: the summary's count is the last one, and aria2 is not done.
    expect(Math.max(...jsonLines(seeder).map((l) => (l.uploaded as number | undefined) ?? 0))).toBe(summary.uploaded);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(aria.process.child.exitCode, aria.process.output()).toBeNull();
  }, 90_000);

  it('shoal download --seed-time downloads from aria2c, seeds that long, and exits 0 paused', async () => {
    const f = lab.torrent('ratio');
    lab.keep(await startAria2Seeder(f.torrent, f.dataDir));
    const out = await lab.scratch('download-out');
    const proc = lab.keep(startShoal(['download', f.torrent, '-o', out, '--seed-time', '0.05', '--json']));
    expect(await exitOf(proc, 60_000), proc.output()).toBe(0);
    const summary = summaryOf(proc);
    expect(summary.state).toBe('paused');
    expect(jsonLines(proc).some((l) => l.type === 'progress' && l.state === 'seeding')).toBe(true);
    expect(await compareTrees(join(f.dataDir, 'ratio.bin'), join(out, 'ratio.bin'))).toEqual([]);
  }, 90_000);

  it('run again on the same state folder past its limit, stops at once instead of seeding for good', async () => {
    const f = lab.torrent('time');
    const state = await lab.scratch('state');
    const args = ['seed', f.torrent, '--data', f.dataDir, '--seed-time', '0.05', '--state-dir', state, '--json'];
    const first = lab.keep(startShoal(args));
    expect(await exitOf(first, 30_000)).toBe(0);
    expect(summaryOf(first).state).toBe('paused');
    // Restored paused past its limit: resuming it must not count as the user's "keep seeding".
    const again = lab.keep(startShoal(args));
    expect(await exitOf(again, 15_000)).toBe(0);
    expect(summaryOf(again).state).toBe('paused');
  }, 60_000);
});
