// Restarting Shoal on the same state folder mid-download, cleanly and with kill -9, against a
// rate-limited aria2c seeder on 127.0.0.1: nothing verified is fetched again, totals survive up
// to the last save, and the final data verifies.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTorrent } from '../engine/metainfo/parse-torrent';
import { aria2Uploaded, mktorrent, startAria2Seeder, startOpentracker, type Peer, type Tracker } from '../testing/clients';
import { freePort, stopAll, tempDir, waitFor, type RunningProcess } from '../testing/processes';
import { exitOf, startShoal, writePayload } from '../testing/shoal-cli';
import type { Metainfo } from '../engine/metainfo/metainfo';

const KiB = 1024;
const MiB = 1024 * KiB;
const PIECE_LOG2 = 16;
const PIECE = 1 << PIECE_LOG2;
const RATE = 256 * KiB;
/**
 * What one stop may lose: Shoal keeps at most 3 s of a peer's rate requested from it, in 16 KiB
 * blocks (src-main/engine/picker/request-depth.ts), so the blocks in flight when it dies are at
 * most RATE × 3; the received part of the pieces they belong to adds at most one piece at each
 * end. Everything verified (or written whole, which the check after restart finds) is kept.
 */
const IN_FLIGHT_BOUND = RATE * 3 + 2 * PIECE;

let work: { path: string; remove(): Promise<void> };
let tracker: Tracker;
let seeder: Peer;
let rpcPort: number;
let torrent: string;
let metainfo: Metainfo;

beforeAll(async () => {
  work = await tempDir('restart-interop');
  const port = await freePort();
  await writePayload(join(work.path, 'data'), { 'payload.bin': 16 * MiB + 4321 });
  torrent = await mktorrent(join(work.path, 'data', 'payload.bin'), join(work.path, 'payload.torrent'), {
    announce: [`http://127.0.0.1:${port}/announce`],
    pieceLengthLog2: PIECE_LOG2,
  });
  metainfo = parseTorrent(await readFile(torrent));
  tracker = await startOpentracker([metainfo.infoHashHex], port);
  rpcPort = await freePort();
  seeder = await startAria2Seeder(torrent, join(work.path, 'data'), { uploadLimit: String(RATE), rpcPort });
  await waitFor('aria2c to answer RPC', () => aria2Uploaded(rpcPort).then(() => true, () => undefined), 10_000, 100);
}, 30_000);

afterAll(async () => {
  await seeder?.stop();
  await tracker?.stop();
  await stopAll();
  await work?.remove();
});

interface Progress {
  readonly state: string;
  readonly progress: number;
  readonly downloaded: number;
}

function progressLines(proc: RunningProcess): Progress[] {
  return proc
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{"type":"progress"'))
    .map((l) => JSON.parse(l) as Progress);
}

/** Whole-life totals as the state folder holds them now (0 before the first save). */
async function savedDownloaded(stateDir: string): Promise<number> {
  const text = await readFile(join(stateDir, 'torrents', `${metainfo.infoHashHex}.json`), 'utf8').catch(() => null);
  return text === null ? 0 : (JSON.parse(text) as { totals: { downloaded: number } }).totals.downloaded;
}

async function piecesVerify(file: string): Promise<boolean> {
  const data = await readFile(file);
  if (data.length !== metainfo.length) return false;
  for (let i = 0; i < metainfo.pieceCount; i++) {
    const digest = createHash('sha1').update(data.subarray(i * PIECE, (i + 1) * PIECE)).digest();
    if (!digest.equals(metainfo.pieceHashes.subarray(i * 20, i * 20 + 20))) return false;
  }
  return true;
}

/** One run of `shoal download` on the shared state folder; `stop` ends it (or it finishes). */
function run(out: string, stateDir: string): RunningProcess {
  return startShoal(['download', torrent, '-o', out, '--state-dir', stateDir, '--json', '--announce-interval', '1']);
}

/** What the next run shows first once its check is done: verified progress and restored totals. */
async function firstProgress(proc: RunningProcess, timeoutMs: number): Promise<Progress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = progressLines(proc).find((p) => p.state !== 'checking');
    if (line) return line;
    if (Date.now() > deadline || proc.child.exitCode !== null) throw new Error(`no progress from shoal:\n${proc.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('restart on the same state folder', () => {
  it('carries on after a clean stop (SIGINT) and after kill -9 at 20 random moments, fetching again no more than was in flight', async () => {
    const out = join(work.path, 'out');
    const stateDir = join(work.path, 'state');
    const uploadedBefore = await aria2Uploaded(rpcPort);
    let stops = 0;

    // A clean stop well into the download.
    let proc = run(out, stateDir);
    await firstProgress(proc, 15_000);
    await new Promise((r) => setTimeout(r, 2_000));
    let before = progressLines(proc).at(-1)!;
    proc.child.kill('SIGINT');
    expect(await exitOf(proc, 15_000), proc.output()).toBe(130);
    stops++;
    let saved = await savedDownloaded(stateDir);
    // A clean exit saves the final totals.
    expect(saved).toBeGreaterThanOrEqual(before.downloaded);

    // kill -9 at random moments: during start-up, checking, and transfer.
    for (let kill = 0; kill < 20; kill++) {
      proc = run(out, stateDir);
      const after = await firstProgress(proc, 15_000);
      expect(after.progress, `run ${kill}: verified pieces survive`).toBeGreaterThanOrEqual(before.progress);
      expect(after.downloaded, `run ${kill}: totals survive up to the last save`).toBeGreaterThanOrEqual(saved);
      if (after.progress === 1) break;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 1_200));
      before = progressLines(proc).at(-1)!;
      saved = await savedDownloaded(stateDir);
      if (proc.child.exitCode !== null) throw new Error(`run ${kill} ended by itself after ${stops} stops:\n${proc.output().slice(-2000)}`);
      process.kill(-proc.child.pid!, 'SIGKILL');
      await proc.exited;
      stops++;
    }

    // The last run finishes the download.
    proc = run(out, stateDir);
    expect(await exitOf(proc, 60_000), proc.output()).toBe(0);
    expect(await piecesVerify(join(out, 'payload.bin'))).toBe(true);
    expect(stops, 'the download outlasted a clean stop and 20 kills').toBe(21);
    const fetched = (await aria2Uploaded(rpcPort)) - uploadedBefore;
    expect(fetched - metainfo.length).toBeLessThanOrEqual(stops * IN_FLIGHT_BOUND);
    console.log(`restart interop: ${stops} stops, ${(fetched / MiB).toFixed(2)} MiB fetched for ${(metainfo.length / MiB).toFixed(2)} MiB`);
  }, 150_000);
});
