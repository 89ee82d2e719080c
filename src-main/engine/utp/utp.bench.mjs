// npm run bench:utp — 256 MiB on loopback from one libtorrent seeder restricted to uTP, to Shoal
// (`shoal download --transports utp`) and to a libtorrent leecher restricted to uTP, in the same
// run. Both leechers get the same magnet link naming the seeder (both fetch the metadata, then the
// data) and speak plaintext (the seeder accepts both), so the figures are the transport's.
//
// A shared, loaded machine swings a single run's rate tenfold, so the leechers take turns
// (Shoal, libtorrent, libtorrent, Shoal, … : each goes first as often), BENCH_ROUNDS times each
// (default 3); every run is printed with the load average at its start, then the medians and their
// ratios. Then the RC4 line (bench:rc4): ours beside `openssl speed rc4`.
//
// BENCH_MIB (default 256), BENCH_ROUNDS (default 3), BENCH_CPU_PROF=DIR (Shoal runs under
// `node --cpu-prof` and leaves its profiles in DIR).
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'dist', 'cli.js');
const peerScript = join(root, 'src-main', 'testing', 'libtorrent-peer.py');
const size = Number(process.env.BENCH_MIB ?? 256) * 1024 * 1024;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const profileDir = process.env.BENCH_CPU_PROF;
/** A run that takes longer than this is stopped and counted as failed. */
const RUN_LIMIT_MS = 15 * 60 * 1000;
const work = mkdtempSync(join(tmpdir(), 'shoal-utp-bench-'));

/** A libtorrent peer (see libtorrent-peer.py) with a JSON line protocol on stdin/stdout. */
function libtorrent(config) {
  const child = spawn('/usr/bin/python3', [peerScript, JSON.stringify({ dht: false, utp: 'only', ...config })], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  const waiters = [];
  let partial = '';
  child.stdout.on('data', (chunk) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop();
    for (const line of parts.filter((l) => l.startsWith('{'))) (waiters.shift() ?? ((l) => lines.push(l)))(line);
  });
  const next = () => new Promise((resolve) => (lines.length > 0 ? resolve(lines.shift()) : waiters.push(resolve)));
  const command = async (cmd) => {
    child.stdin.write(`${JSON.stringify(cmd)}\n`);
    return JSON.parse(await next());
  };
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    child,
    ready: next().then((l) => JSON.parse(l).port),
    status: () => command({ cmd: 'status' }),
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** User and system CPU seconds from a /proc/PID/stat line: the process's own, or (children) its waited-for children's. */
function statCpu(line, children = false) {
  const fields = line.split(') ')[1].split(' ');
  const at = children ? 13 : 11; // utime, stime (cutime, cstime), in clock ticks (USER_HZ 100)
  return (Number(fields[at]) + Number(fields[at + 1])) / 100;
}

const cpuSeconds = (pid) => statCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'));
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Shoal downloads `magnet` into `out`. It runs under a shell that prints its own /proc stat line
 * once Node has exited, so the CPU seconds are the whole process's, to its last tick.
 */
async function shoalRun(magnet, out) {
  const node = [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), cli, 'download', magnet, '-o', out, '--transports', 'utp', '--encryption', 'off', '--no-dht', '--no-lsd', '--no-pex', '--json'];
  const started = performance.now();
  const shell = spawn('/bin/sh', ['-c', 'node "$@" >/dev/null; code=$?; cat /proc/$$/stat >&3; exit $code', 'sh', ...node], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
  let stat = '';
  shell.stdio[3].on('data', (chunk) => (stat += chunk.toString()));
  const limit = setTimeout(() => shell.kill('SIGKILL'), RUN_LIMIT_MS);
  const code = await new Promise((resolve) => shell.on('close', resolve));
  clearTimeout(limit);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) return { seconds, cpu: NaN, failure: `shoal download exited with ${code}` };
  return { seconds, cpu: statCpu(stat, true) };
}

/** A libtorrent leecher (uTP only, plaintext) downloads `magnet` into `out`; its CPU seconds when it has everything. */
async function libtorrentRun(magnet, out) {
  const started = performance.now();
  const leecher = libtorrent({ torrents: [{ magnet, save_path: out }] });
  await leecher.ready;
  let failure;
  for (;;) {
    const t = (await leecher.status()).torrents[0];
    if (t?.is_seeding) break;
    if (performance.now() - started > RUN_LIMIT_MS) {
      failure = 'libtorrent did not finish in time';
      break;
    }
    await sleep(100);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(leecher.child.pid);
  await leecher.stop();
  return { seconds, cpu, ...(failure ? { failure } : {}) };
}

async function main() {
  // The payload and its torrent (1 MiB pieces).
  const data = join(work, 'data');
  mkdirSync(data);
  const file = join(data, 'utp-bench.bin');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4 * 1024 * 1024);
  const hash = createHash('sha1');
  for (let at = 0; at < size; at += chunk.length) {
    randomFillSync(chunk);
    writeSync(fd, chunk);
    hash.update(chunk);
  }
  closeSync(fd);
  const digest = hash.digest('hex');
  const torrent = join(work, 'bench.torrent');
  const made = spawnSync('mktorrent', ['-l', '20', '-o', torrent, file], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mktorrent failed: ${made.stderr}`);
  const info = JSON.parse(spawnSync('node', [cli, 'info', torrent, '--json'], { encoding: 'utf8' }).stdout);
  const infoHash = info.infoHash ?? info.infoHashV1;

  const seeder = libtorrent({ torrents: [{ torrent, save_path: data }] });
  const seederPort = await seeder.ready;
  for (;;) {
    const t = (await seeder.status()).torrents[0];
    if (t && t.is_seeding && !t.paused) break;
    await sleep(200);
  }
  console.error(`bench:utp: ${size / 1024 / 1024} MiB from a uTP-only libtorrent seeder on 127.0.0.1:${seederPort}, ${rounds} runs of each leecher, taking turns`);
  const magnet = `magnet:?xt=urn:btih:${infoHash}&x.pe=127.0.0.1:${seederPort}`;

  const leechers = { shoal: shoalRun, libtorrent: libtorrentRun };
  const runs = [];
  for (let round = 0; round < rounds; round++) {
    // ABBA: each leecher goes first in every other round, so a drifting load favours neither.
    for (const name of round % 2 === 0 ? ['shoal', 'libtorrent'] : ['libtorrent', 'shoal']) {
      const out = join(work, `${name}-${round}`);
      mkdirSync(out);
      const load = loadAverage();
      const seederCpu = cpuSeconds(seeder.child.pid);
      const result = await leechers[name](magnet, out);
      const verified = !result.failure && sha1(join(out, 'utp-bench.bin')) === digest;
      const run = { name, round: round + 1, load, ...result, seederCpu: cpuSeconds(seeder.child.pid) - seederCpu, verified };
      runs.push(run);
      console.log(runRow(run));
      rmSync(out, { recursive: true, force: true });
    }
  }
  await seeder.stop();

  const mb = size / 1e6;
  const summary = {};
  for (const name of Object.keys(leechers)) {
    const mine = runs.filter((r) => r.name === name && r.verified);
    summary[name] = { mbps: median(mine.map((r) => mb / r.seconds)), cpu: median(mine.map((r) => r.cpu)), runs: mine.length };
  }
  const { shoal, libtorrent: lt } = summary;
  console.log(`medians of verified runs: shoal (uTP) ${shoal.mbps.toFixed(1)} MB/s, ${shoal.cpu.toFixed(2)} CPU s (${shoal.runs} runs); libtorrent (uTP) ${lt.mbps.toFixed(1)} MB/s, ${lt.cpu.toFixed(2)} CPU s (${lt.runs} runs)`);
  console.log(`ratios shoal/libtorrent (medians): MB/s ${(shoal.mbps / lt.mbps).toFixed(2)}, CPU s ${(shoal.cpu / lt.cpu).toFixed(2)}; load average now ${loadAverage()}`);
  if (runs.some((r) => !r.verified)) process.exitCode = 1;

  // MSE's cipher runs over every byte of an encrypted uTP (or TCP) connection: ours beside OpenSSL's.
  const rc4 = spawnSync('node', [join(root, 'src-main', 'engine', 'mse', 'rc4.bench.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(rc4.stdout);
}

function runRow(r) {
  const mb = size / 1e6;
  const label = `${r.name} (uTP) #${r.round}`.padEnd(20);
  if (r.failure) return `${label} FAILED: ${r.failure} after ${r.seconds.toFixed(1)} s (load at start ${r.load})`;
  const figures = `${(mb / r.seconds).toFixed(1).padStart(7)} MB/s ${r.cpu.toFixed(2).padStart(7)} CPU s ${r.seconds.toFixed(1).padStart(7)} s  seeder ${r.seederCpu.toFixed(2).padStart(5)} CPU s`;
  return `${label}${figures}  ${r.verified ? 'verified' : 'BYTES DIFFER'}  (load at start ${r.load})`;
}

function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function sha1(path) {
  return createHash('sha1').update(readFileSync(path)).digest('hex');
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
