// npm run bench:utp — 256 MiB on loopback from one libtorrent seeder restricted to uTP, first to
// Shoal (`shoal download --transports utp`), then to a libtorrent leecher restricted to uTP, in
// the same run. Prints MB/s and CPU seconds of each leecher and Shoal's ratios to libtorrent.
// Both leechers speak plaintext (the seeder accepts both), so the figures are the transport's.
import { spawn, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'dist', 'cli.js');
const peerScript = join(root, 'src-main', 'testing', 'libtorrent-peer.py');
const size = Number(process.env.BENCH_MIB ?? 256) * 1024 * 1024;
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
  return { child, ready: next().then((l) => JSON.parse(l).port), status: () => command({ cmd: 'status' }), stop: () => child.kill('SIGTERM') };
}

/** User and system CPU seconds of a process so far, from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.error(`bench:utp: ${size / 1024 / 1024} MiB from a uTP-only libtorrent seeder on 127.0.0.1:${seederPort} (load ${load})`);

  // Shoal: a magnet naming the seeder, uTP only, plaintext.
  const shoalOut = join(work, 'shoal-out');
  mkdirSync(shoalOut);
  const magnet = `magnet:?xt=urn:btih:${infoHash}&x.pe=127.0.0.1:${seederPort}`;
  const started = performance.now();
  const shoal = spawn('node', [cli, 'download', magnet, '-o', shoalOut, '--transports', 'utp', '--encryption', 'off', '--no-dht', '--no-lsd', '--no-pex', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let shoalCpu = 0;
  const cpuTimer = setInterval(() => {
    try {
      shoalCpu = cpuSeconds(shoal.pid);
    } catch {
      // it exited
    }
  }, 100);
  shoal.stdout.resume();
  const code = await new Promise((resolve) => shoal.on('exit', resolve));
  clearInterval(cpuTimer);
  const shoalSeconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`shoal download exited with ${code}`);
  const shoalOk = sha1(join(shoalOut, 'utp-bench.bin')) === digest;

  // libtorrent leecher, uTP only, plaintext.
  const ltOut = join(work, 'lt-out');
  mkdirSync(ltOut);
  const ltStarted = performance.now();
  const leecher = libtorrent({ torrents: [{ torrent, save_path: ltOut, peers: [['127.0.0.1', seederPort]] }] });
  await leecher.ready;
  for (;;) {
    const t = (await leecher.status()).torrents[0];
    if (t?.is_seeding) break;
    await sleep(100);
  }
  const ltSeconds = (performance.now() - ltStarted) / 1000;
  const ltCpu = cpuSeconds(leecher.child.pid);
  leecher.stop();
  seeder.stop();
  const ltOk = sha1(join(ltOut, 'utp-bench.bin')) === digest;

  const mb = size / 1e6;
  const row = (name, seconds, cpu, ok) => `${name.padEnd(22)} ${(mb / seconds).toFixed(1).padStart(8)} MB/s ${cpu.toFixed(2).padStart(8)} CPU s ${seconds.toFixed(1).padStart(7)} s  ${ok ? 'verified' : 'BYTES DIFFER'}`;
  console.log(row('shoal (uTP)', shoalSeconds, shoalCpu, shoalOk));
  console.log(row('libtorrent (uTP)', ltSeconds, ltCpu, ltOk));
  console.log(`ratios shoal/libtorrent: MB/s ${(ltSeconds / shoalSeconds).toFixed(2)}, CPU s ${(shoalCpu / ltCpu).toFixed(2)} (load at start ${load})`);
  if (!shoalOk || !ltOk) process.exitCode = 1;
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
