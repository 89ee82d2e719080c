// npm run bench:stream — time to first byte and time until 5 s of media are playable, streaming a
// 60 s WebM from a throttled aria2c seeder: `shoal stream` beside webtorrent's own streaming server
// (the library, set up by ../shared/bench/clients/setup-webtorrent.sh), same torrent, seeder and
// tracker, runs interleaved. Both clocks start when the client is launched; an HTTP client reads
// the printed address from byte 0 as fast as it can. Prints medians and Shoal / webtorrent ratios.
//   BENCH_RUNS (default 3), BENCH_RATES (aria2 upload limits, default 256K,1M)
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'dist', 'cli.js');
const wtDriver = fileURLToPath(new URL('./webtorrent-stream.mjs', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? '3');
const rates = (process.env.BENCH_RATES ?? '256K,1M').split(',');
const RUN_TIMEOUT_MS = 120_000;
const work = mkdtempSync(join(tmpdir(), 'shoal-bench-stream-'));
const children = new Set();

/** Signals a process group that may be gone already. */
function signal(pid, sig) {
  try {
    process.kill(-pid, sig);
  } catch {
    // already gone
  }
}

function start(command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  children.add(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    output: () => out,
    async stop() {
      children.delete(child);
      if (child.exitCode !== null) return;
      signal(child.pid, 'SIGTERM');
      const timer = setTimeout(() => signal(child.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, check, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Bytes from the start of the file a player needs for the first 5 s: every packet before 5 s. */
function bytesForSeconds(file, seconds) {
  const csv = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'packet=pts_time,pos,size', '-of', 'csv=p=0', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  let end = 0;
  for (const line of csv.trim().split('\n')) {
    const [pts, size, pos] = line.split(',').map(Number);
    if (pts < seconds && pos + size > end) end = pos + size;
  }
  return end;
}

/** One client from launch: when the first byte of the stream came, and when `needed` bytes had. */
async function measure(kind, torrent, needed) {
  const out = join(work, `out-${kind}-${Date.now()}`);
  mkdirSync(out);
  const t0 = performance.now();
  const proc =
    kind === 'shoal'
      ? start(process.execPath, [cli, 'stream', torrent, '-o', out, '--no-dht', '--no-lsd', '--announce-interval', '1'])
      : start(process.execPath, [wtDriver, torrent, out]);
  try {
    const url = await waitFor(`${kind}'s address`, () => /http:\/\/127\.0\.0\.1:\d+\/\S+/.exec(proc.output())?.[0], RUN_TIMEOUT_MS);
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${kind}: no 5 s of media within ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);
      const req = request(url, { headers: { Range: 'bytes=0-' } }, (res) => {
        let got = 0;
        let first;
        res.on('data', (chunk) => {
          first ??= performance.now() - t0;
          got += chunk.length;
          if (got >= needed) {
            clearTimeout(timer);
            resolve({ ttfb: first / 1000, playable: (performance.now() - t0) / 1000 });
            req.destroy();
          }
        });
        res.on('error', () => {});
      });
      req.on('error', (err) => reject(err));
      req.end();
    });
  } finally {
    await proc.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

async function startSeeder(data, torrent, rate) {
  const seedPort = await freePort();
  const seeder = start('aria2c', [
    '--interface=127.0.0.1', '--disable-ipv6=true', '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
    `--listen-port=${seedPort}`, `--dir=${data}`, '-V', '--seed-ratio=0.0', `--max-overall-upload-limit=${rate}`, '--bt-tracker-interval=1',
    '--console-log-level=warn', '--summary-interval=0', `--dht-file-path=${join(work, `dht-${seedPort}.dat`)}`, torrent,
  ]);
  // Its check of the data and first announce.
  await sleep(2500);
  return seeder;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const data = join(work, 'data');
  mkdirSync(data);
  const media = join(data, 'clip.webm');
  console.error('bench: making 60 s of VP9/Opus (640x360, about 1 Mbit/s)');
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=60',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=60',
    '-c:v', 'libvpx-vp9', '-b:v', '1000k', '-deadline', 'realtime', '-cpu-used', '8', '-g', '30',
    '-c:a', 'libopus', '-b:a', '64k', '-cues_to_front', '1', '-f', 'webm', media,
  ]);
  const needed = bytesForSeconds(media, 5);
  const trackerPort = await freePort();
  const tracker = start(process.execPath, [cli, 'tracker', '--http', `127.0.0.1:${trackerPort}`, '--udp', 'off', '--interval', '60']);
  await waitFor('the tracker', () => fetch(`http://127.0.0.1:${trackerPort}/`).then(() => true, () => undefined), 20_000);
  const torrent = join(work, 'clip.torrent');
  execFileSync(process.execPath, [cli, 'create', media, '-o', torrent, '--tracker', `http://127.0.0.1:${trackerPort}/announce`]);
  const size = Number(execFileSync('stat', ['-c', '%s', media], { encoding: 'utf8' }));
  console.error(`bench: ${(size / 1e6).toFixed(2)} MB, the first 5 s of media in its first ${(needed / 1e3).toFixed(0)} kB; ${runs} run(s) per client and rate`);

  const results = [];
  for (const rate of rates) {
    for (let run = 0; run < runs; run++) {
      // Interleaved, each first in turn, so drift weighs on both alike.
      const order = run % 2 === 0 ? ['shoal', 'webtorrent'] : ['webtorrent', 'shoal'];
      for (const client of order) {
        // A fresh seeder each time: aria2's limiter lets a burst through after an idle spell, which
        // would hand the next client its first megabyte at once.
        const seeder = await startSeeder(data, torrent, rate);
        const r = await measure(client, torrent, needed);
        await seeder.stop();
        console.error(`bench: seeder ${rate}/s, ${client}: first byte ${r.ttfb.toFixed(2)} s, 5 s playable ${r.playable.toFixed(2)} s`);
        results.push({ rate, client, ...r });
      }
    }
  }
  await tracker.stop();

  console.log('\n| seeder rate | first byte, Shoal | first byte, webtorrent | ratio | 5 s playable, Shoal | 5 s playable, webtorrent | ratio |');
  console.log('|---|---|---|---|---|---|---|');
  for (const rate of rates) {
    const of = (client, key) => median(results.filter((r) => r.rate === rate && r.client === client).map((r) => r[key]));
    const [ts, tw, ps, pw] = [of('shoal', 'ttfb'), of('webtorrent', 'ttfb'), of('shoal', 'playable'), of('webtorrent', 'playable')];
    console.log(`| ${rate}iB/s | ${ts.toFixed(2)} s | ${tw.toFixed(2)} s | ${(ts / tw).toFixed(2)} | ${ps.toFixed(2)} s | ${pw.toFixed(2)} s | ${(ps / pw).toFixed(2)} |`);
  }
  console.log(`\nmedians of ${runs} run(s); ratio = Shoal / webtorrent (below 1: Shoal is faster)`);
}

try {
  await main();
} finally {
  for (const child of children) signal(child.pid, 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
