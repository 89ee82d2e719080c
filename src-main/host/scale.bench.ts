// bench:scale (run through scale.bench.mjs): N real torrents with their data, added to one engine
// worker over the contract as the web UI would (queueing off), then the engine left alone.
// Prints the time until every torrent seeds, then the process's CPU and RSS over an idle window.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_VERSION, type TorrentSummary } from '../../src-shared/contract';
import { bencode } from '../engine/bencode';
import { startEngineWorker } from './engine-worker';

const dist = process.env.SHOAL_DIST ?? join(process.cwd(), 'dist');
const counts = (process.env.BENCH_SCALE_N ?? '1000,10000').split(',').map(Number);
const idleSeconds = Number(process.env.BENCH_SCALE_IDLE_S ?? 60);
/** Each torrent: one file of four 16 KiB pieces, so checking is cheap and the cost measured is per torrent. */
const PIECE = 16 * 1024;
const FILE_BYTES = 4 * PIECE;
/** Adds in flight at once, as a UI adding a folder of torrents would keep a few going. */
const ADD_CONCURRENCY = 16;

interface Result {
  readonly n: number;
  readonly addSeconds: number;
  readonly seedSeconds: number;
  readonly settleSeconds: number;
  readonly idleCpuPercent: number;
  readonly rssStartMiB: number;
  readonly rssPeakMiB: number;
  readonly rssEndMiB: number;
  readonly listEvents: number;
  readonly rowsSent: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function makeTorrent(name: string, data: Uint8Array, announce: string): Uint8Array {
  const pieces = Buffer.alloc((data.length / PIECE) * 20);
  for (let i = 0; i < data.length / PIECE; i++) createHash('sha1').update(data.subarray(i * PIECE, (i + 1) * PIECE)).digest().copy(pieces, i * 20);
  return bencode({ announce, info: { length: data.length, name, 'piece length': PIECE, pieces, private: 1 } });
}

/** The whole process's CPU seconds (every thread: the host's, the engine worker's, libuv's). */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const rssMiB = (): number => process.memoryUsage.rss() / 1048576;

/** Waits until a 5 s stretch uses under 2% of a core (at most 300 s); returns the seconds waited. */
async function quiet(): Promise<number> {
  const started = performance.now();
  for (;;) {
    const before = cpuSeconds();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    if (cpuSeconds() - before < 0.1 || performance.now() - started > 300_000) return (performance.now() - started) / 1000;
  }
}

async function run(n: number, announce: string): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-scale-'));
  const dataDir = join(dir, 'data');
  await mkdir(dataDir);
  const torrents: Uint8Array[] = [];
  // One buffer for every file's data, so the bench's own garbage does not weigh on the RSS measured.
  const data = Buffer.alloc(FILE_BYTES);
  for (let i = 0; i < n; i++) {
    const name = `t${String(i).padStart(5, '0')}.bin`;
    randomFillSync(data);
    await writeFile(join(dataDir, name), data);
    torrents.push(makeTorrent(name, data, announce));
  }
  const engine = startEngineWorker(join(dist, 'engine-worker.js'), { downloadDir: dataDir, stateDir: join(dir, 'state'), listenPort: 0 });
  const rows = new Map<string, TorrentSummary>();
  let listEvents = 0;
  let rowsSent = 0;
  let seeding = 0;
  let allSeeding: (() => void) | undefined;
  const seeded = new Promise<void>((resolve) => (allSeeding = resolve));
  engine.api.on('torrents', (update) => {
    listEvents++;
    rowsSent += update.changed.length;
    for (const row of update.changed) {
      const before = rows.get(row.infoHash);
      if (before?.state === 'seeding') seeding--;
      if (row.state === 'seeding') seeding++;
      rows.set(row.infoHash, row);
    }
    if (seeding === n) allSeeding?.();
  });
  try {
    await engine.api.invoke('hello', { protocolVersion: PROTOCOL_VERSION });
    await engine.api.invoke('setSettings', {
      queue: { maxActiveDownloads: 0, maxActiveSeeds: 0, maxActiveTorrents: 0, stalledMinutes: 5 },
      // Private torrents never use these; off so nothing looks for the world outside the machine.
      dht: false,
      lsd: false,
      portForwarding: false,
    });
    const started = performance.now();
    let next = 0;
    const adder = async (): Promise<void> => {
      while (next < n) {
        const i = next++;
        await engine.api.invoke('addTorrent', { source: { kind: 'torrent', data: torrents[i]!, fileName: `t${i}.torrent` }, savePath: dataDir });
      }
    };
    await Promise.all(Array.from({ length: ADD_CONCURRENCY }, adder));
    const addSeconds = (performance.now() - started) / 1000;
    torrents.length = 0;
    await seeded;
    const seedSeconds = (performance.now() - started) / 1000;
    // The idle window starts once the engine is quiet: the session's first save of thousands of
    // new torrents (and their list rows) takes a while after the last one seeds.
    const settleSeconds = await quiet();
    const eventsBefore = listEvents;
    const rowsBefore = rowsSent;
    const rssStartMiB = rssMiB();
    let rssPeakMiB = rssStartMiB;
    const cpuBefore = cpuSeconds();
    const t0 = performance.now();
    const monoFrom = process.hrtime.bigint() / 1000n;
    const sampler = setInterval(() => (rssPeakMiB = Math.max(rssPeakMiB, rssMiB())), 250);
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    clearInterval(sampler);
    // To cut a --cpu-prof of this run to the idle window (profiles use the same monotonic clock).
    console.error(`bench:scale: idle window ${monoFrom},${process.hrtime.bigint() / 1000n} (monotonic µs)`);
    const idleCpuPercent = (100 * (cpuSeconds() - cpuBefore)) / ((performance.now() - t0) / 1000);
    return { n, addSeconds, seedSeconds, settleSeconds, idleCpuPercent, rssStartMiB, rssPeakMiB, rssEndMiB: rssMiB(), listEvents: listEvents - eventsBefore, rowsSent: rowsSent - rowsBefore };
  } finally {
    await engine.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function startTracker(port: number): Promise<ChildProcess> {
  const tracker = spawn(process.execPath, [join(dist, 'cli.js'), 'tracker', '--http', `127.0.0.1:${port}`, '--udp', 'off'], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Ready once it accepts a connection.
  for (let tries = 0; tries < 100; tries++) {
    const up = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
    if (up) return tracker;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  tracker.kill();
  throw new Error('the tracker did not start');
}

const trackerPort = await freePort();
const tracker = await startTracker(trackerPort);
const results: Result[] = [];
try {
  for (const n of counts) {
    console.error(`bench:scale: ${n} torrents…`);
    results.push(await run(n, `http://127.0.0.1:${trackerPort}/announce`));
  }
} finally {
  tracker.kill();
}
const lines = [
  `Seeding torrents in one engine (worker + host, queueing off, private, one tracker), idle window ${idleSeconds} s; CPU and RSS are the whole process's`,
  '',
  '| torrents | all added s | all seeding s | quiet after s | idle CPU % of a core | RSS at idle start MiB | peak RSS idle MiB | RSS at idle end MiB | list events idle | rows sent idle |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...results.map((r) => `| ${r.n} | ${r.addSeconds.toFixed(1)} | ${r.seedSeconds.toFixed(1)} | ${r.settleSeconds.toFixed(0)} | ${r.idleCpuPercent.toFixed(2)} | ${r.rssStartMiB.toFixed(1)} | ${r.rssPeakMiB.toFixed(1)} | ${r.rssEndMiB.toFixed(1)} | ${r.listEvents} | ${r.rowsSent} |`),
  '',
  'Goal for 1,000: idle ≤ 1% of a core and ≤ 150 MiB.',
];
console.log(lines.join('\n'));
