// Speed limits against real peers on 127.0.0.1: `shoal download --download-limit` from an
// unlimited aria2c seeder, and `shoal seed --upload-limit` to an unlimited aria2c leecher, each
// held to 1 MiB/s within ±10% over 20 s (issue #6's acceptance), measured from the JSON lines.
import { describe, expect, it } from 'vitest';
import { startAria2Leecher, startAria2Seeder } from '../testing/clients';
import { useInteropLab } from '../testing/interop-lab';
import { waitFor, type RunningProcess } from '../testing/processes';
import { startShoal } from '../testing/shoal-cli';

const MiB = 1024 * 1024;
const LIMIT = MiB;
/** Seconds skipped once bytes flow (the bucket's first burst, peers settling), then measured. */
const WARM_UP_S = 3;
const WINDOW_S = 20;
/** Bigger than the warm-up and window at the limit, so the transfer is still going at the end. */
const SIZE = 40 * MiB;

const lab = useInteropLab('speed-interop', {
  down: { files: { 'down.bin': SIZE }, pieceLengthLog2: 18 },
  up: { files: { 'up.bin': SIZE }, pieceLengthLog2: 18 },
});

interface Progress {
  readonly downloaded: number;
  readonly uploaded: number;
}

/** The JSON progress lines printed so far, one a second. */
function progressLines(proc: RunningProcess): Progress[] {
  return proc
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{"type":"progress"'))
    .map((line) => JSON.parse(line) as Progress);
}

/**
 * Waits for the warm-up and the window to pass once `field` starts counting, and returns its
 * average rate over the window, in bytes a second.
 */
async function measuredRate(proc: RunningProcess, field: keyof Progress, others: () => string): Promise<number> {
  const lines = await waitFor(
    `${WARM_UP_S + WINDOW_S} s of ${field} bytes`,
    () => {
      const all = progressLines(proc);
      const start = all.findIndex((p) => p[field] > 0);
      return start >= 0 && all.length > start + WARM_UP_S + WINDOW_S ? all.slice(start + WARM_UP_S, start + WARM_UP_S + WINDOW_S + 1) : undefined;
    },
    60_000,
    500,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\nshoal printed:\n${proc.output().slice(-3000)}\n${others()}`);
  });
  return (lines[WINDOW_S]![field] - lines[0]![field]) / WINDOW_S;
}

describe('speed limits with real peers', () => {
  it('holds a 1 MiB/s download limit within 10% over 20 s against a fast aria2c seeder', { timeout: 120_000 }, async () => {
    const f = lab.torrent('down');
    const seeder = lab.keep(await startAria2Seeder(f.torrent, f.dataDir));
    const out = await lab.scratch('speed-out');
    const shoal = lab.keep(startShoal(['download', f.torrent, '-o', out, '--download-limit', '1MiB', '--json']));
    const rate = await measuredRate(shoal, 'downloaded', () => `aria2c printed:\n${seeder.process.output().slice(-1500)}`);
    expect(rate, `${(rate / MiB).toFixed(3)} MiB/s`).toBeGreaterThan(LIMIT * 0.9);
    expect(rate, `${(rate / MiB).toFixed(3)} MiB/s`).toBeLessThan(LIMIT * 1.1);
  });

  it('holds a 1 MiB/s upload limit within 10% over 20 s against an aria2c leecher', { timeout: 120_000 }, async () => {
    const f = lab.torrent('up');
    const shoal = lab.keep(startShoal(['seed', f.torrent, '--data', f.dataDir, '--upload-limit', '1M', '--announce-interval', '1', '--json']));
    const leecher = lab.keep(await startAria2Leecher(f.torrent, await lab.scratch('speed-leech')));
    const rate = await measuredRate(shoal, 'uploaded', () => `aria2c printed:\n${leecher.process.output().slice(-1500)}`);
    expect(rate, `${(rate / MiB).toFixed(3)} MiB/s`).toBeGreaterThan(LIMIT * 0.9);
    expect(rate, `${(rate / MiB).toFixed(3)} MiB/s`).toBeLessThan(LIMIT * 1.1);
  });
});
