// Tracker benchmark: `npm run bench:tracker`. Announces from 10,000 simulated peers over 1,000
// torrents on loopback, UDP then HTTP, against `shoal tracker` (dist/cli.js) and opentracker in
// the same run; prints announces per second, p50/p99 latency and the tracker's RSS, with ratios.
//
// The load generators, small C programs (udp-load.c, http-load.c, built here with cc: generators
// in Node were the limit for opentracker), keep a bounded number of requests in flight over
// pre-built packets (UDP) or pre-built requests (HTTP, a connection per announce as most clients
// do, and as opentracker requires), and report their own CPU use so a reader can tell when the
// generator, not the tracker, was the limit. Both trackers run side by side and are measured in alternating rounds, so load from
// anything else on the machine hits both alike; the table shows each one's median round.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TORRENTS = 1000;
const PEERS = 10_000;
const UDP_ANNOUNCES = Number(process.env.BENCH_UDP_ANNOUNCES ?? 100_000);
const HTTP_ANNOUNCES = Number(process.env.BENCH_HTTP_ANNOUNCES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const UDP_IN_FLIGHT = 16;
const HTTP_CONNECTIONS = 16;
const cli = new URL('../../dist/cli.js', import.meta.url).pathname;

const hashes = Array.from({ length: TORRENTS }, () => randomBytes(20));
const peers = Array.from({ length: PEERS }, (_, i) => ({ hash: hashes[i % TORRENTS], id: randomBytes(20), port: 1024 + i }));

async function freePort() {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise((resolve) => {
      const u = createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

function startGroup(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true, ...options });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stderrText = () => stderr;
  return child;
}

function stopGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }, 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      resolve();
    }
  });
}

async function waitForHttp(port, child) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tracker exited: ${child.stderrText()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/scrape?info_hash=${'%00'.repeat(20)}`, { signal: AbortSignal.timeout(500) });
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error('tracker did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Resident set of a process, in MiB: current and peak, and its private (anonymous) part. The
 * total counts the mapped pages of the node binary (about 34 MiB, shared with every Node
 * process); the private part is what the tracker itself costs.
 */
async function rssOf(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024, anon: kib('RssAnon') / 1024 };
}

/** Samples each tracker's private memory every 100 ms; Linux keeps no peak of it. */
function watchAnon(children) {
  const peaks = new Map(children.map((c) => [c.pid, 0]));
  const timer = setInterval(async () => {
    for (const c of children) {
      const m = await rssOf(c.pid).catch(() => undefined);
      if (m && m.anon > peaks.get(c.pid)) peaks.set(c.pid, m.anon);
    }
  }, 100);
  return { peak: (pid) => peaks.get(pid), stop: () => clearInterval(timer) };
}

/** CPU seconds (user + system, all threads) a process has used; /proc counts in USER_HZ ticks, 100 on Linux. */
async function cpuOf(pid) {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Runs one load and adds the tracker's CPU time per announce (µs): unlike announces per second,
 * it hardly moves with what else the shared machine is doing.
 */
async function measured(child, total, load) {
  const before = await cpuOf(child.pid);
  const result = await load();
  return { ...result, cpuUs: (((await cpuOf(child.pid)) - before) / total) * 1e6 };
}

const alive = (child) => child.exitCode === null && child.signalCode === null;

/**
 * A load generator, built from `name`.c beside this file. In Node, a generator cost as much CPU
 * per request as opentracker spends answering one, so on 2 cores it set opentracker's rate; in C
 * (batched sends and receives for UDP) it costs less than either tracker, so the tracker is the
 * limit.
 */
async function buildGenerator(dir, name) {
  const out = join(dir, name);
  const source = new URL(`./${name}.c`, import.meta.url).pathname;
  const cc = spawn(process.env.CC ?? 'cc', ['-O2', '-o', out, source], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  cc.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve) => {
    cc.once('error', () => resolve(-1));
    cc.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`bench:tracker needs a C compiler (cc, or set CC) for its load generators: ${stderr || 'cc not found'}`);
  return out;
}

/** Runs a built generator against `port` with `input` on its stdin; its JSON line, as the bench reports it. */
async function runGenerator(generator, port, total, parallel, input, child, what) {
  const run = spawn(generator, [String(port), String(total), String(parallel)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  run.stdout.on('data', (d) => (stdout += d));
  run.stderr.on('data', (d) => (stderr += d));
  run.stdin.end(input);
  const timer = setTimeout(() => run.kill('SIGKILL'), 300_000);
  const code = await new Promise((resolve) => run.once('exit', (c, signal) => resolve(c ?? signal)));
  clearTimeout(timer);
  if (code !== 0 || !alive(child)) {
    throw new Error(`${what} load failed: ${alive(child) ? stderr.trim() || `generator exited (${code})` : `the tracker exited (${child.exitCode ?? child.signalCode})`}`);
  }
  const r = JSON.parse(stdout);
  return { rate: r.done / r.seconds, p50: r.p50, p99: r.p99, genCpu: r.cpu / r.seconds, lost: r.lost };
}

/** The peers' announces (event "started"); the generator fills in connection and transaction ids. */
const udpTemplates = Buffer.concat(
  peers.map((p) => {
    const b = Buffer.alloc(98);
    b.writeUInt32BE(1, 8);
    p.hash.copy(b, 16);
    p.id.copy(b, 36);
    b.writeBigUInt64BE(p.port % 4 === 0 ? 0n : 1000n, 64); // a quarter are seeders
    b.writeUInt32BE(2, 80);
    b.writeInt32BE(50, 92);
    b.writeUInt16BE(p.port, 96);
    return b;
  }),
);

/** BEP 15 load: one connect, then `total` announces cycling through the peers, UDP_IN_FLIGHT at a time. */
const udpLoad = (generator, port, total, child) => runGenerator(generator, port, total, UDP_IN_FLIGHT, udpTemplates, child, 'UDP');

const esc = (b) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('');

/** The peers' announces as HTTP/1.0 requests, each after its length (2 bytes, big-endian). */
const httpRequests = Buffer.concat(
  peers.flatMap((p) => {
    const request = Buffer.from(
      `GET /announce?info_hash=${esc(p.hash)}&peer_id=${esc(p.id)}&port=${p.port}&uploaded=0&downloaded=0&left=${p.port % 4 === 0 ? 0 : 1000}&compact=1&numwant=50 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`,
      'latin1',
    );
    const length = Buffer.alloc(2);
    length.writeUInt16BE(request.length);
    return [length, request];
  }),
);

/** HTTP load: `total` announces, HTTP_CONNECTIONS at a time, one HTTP/1.0 request per connection. */
const httpLoad = (generator, port, total, child) => runGenerator(generator, port, total, HTTP_CONNECTIONS, httpRequests, child, 'HTTP');

const median = (runs, key) => [...runs].sort((a, b) => a[key] - b[key])[Math.floor(runs.length / 2)];

const work = await mkdtemp(join(tmpdir(), 'shoal-tracker-bench-'));
const trackers = [];
try {
  const shoalPort = await freePort();
  trackers.push({
    name: 'shoal',
    port: shoalPort,
    child: startGroup(process.execPath, [cli, 'tracker', '--http', `127.0.0.1:${shoalPort}`, '--udp', `127.0.0.1:${shoalPort}`]),
  });
  // Debian's opentracker only tracks whitelisted torrents; as root it chroots into -d and runs as nobody.
  await chmod(work, 0o755);
  await writeFile(join(work, 'whitelist'), hashes.map((h) => h.toString('hex')).join('\n') + '\n', { mode: 0o644 });
  const otPort = await freePort();
  const root = process.getuid?.() === 0;
  const otArgs = ['-i', '127.0.0.1', '-p', String(otPort), '-P', String(otPort), '-d', work, '-w', root ? '/whitelist' : join(work, 'whitelist')];
  if (root) otArgs.push('-u', 'nobody');
  trackers.push({ name: 'opentracker', port: otPort, child: startGroup('opentracker', otArgs, { cwd: work }) });
  for (const t of trackers) await waitForHttp(t.port, t.child);
  const udpGenerator = await buildGenerator(work, 'udp-load');
  const httpGenerator = await buildGenerator(work, 'http-load');

  const anon = watchAnon(trackers.map((t) => t.child));
  const results = new Map(trackers.map((t) => [t.name, { udp: [], http: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of trackers) results.get(t.name).udp.push(await measured(t.child, UDP_ANNOUNCES, () => udpLoad(udpGenerator, t.port, UDP_ANNOUNCES, t.child)));
    for (const t of trackers) results.get(t.name).http.push(await measured(t.child, HTTP_ANNOUNCES, () => httpLoad(httpGenerator, t.port, HTTP_ANNOUNCES, t.child)));
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  const [shoal, opentracker] = await Promise.all(
    trackers.map(async (t) => {
      const r = results.get(t.name);
      return { name: t.name, udp: median(r.udp, 'rate'), http: median(r.http, 'rate'), cpu: { udp: median(r.udp, 'cpuUs').cpuUs, http: median(r.http, 'cpuUs').cpuUs }, mem: { ...(await rssOf(t.child.pid)), anonPeak: anon.peak(t.child.pid) } };
    }),
  );
  anon.stop();

  const f = (x, d = 0) => x.toFixed(d).padStart(10);
  console.log(
    `\n${PEERS} peers over ${TORRENTS} torrents on 127.0.0.1; per round ${UDP_ANNOUNCES} UDP announces (${UDP_IN_FLIGHT} in flight) ` +
      `and ${HTTP_ANNOUNCES} HTTP announces (${HTTP_CONNECTIONS} at a time); median of ${ROUNDS} rounds\n`,
  );
  console.log('proto  tracker        announces/s    p50 ms    p99 ms      lost  gen CPU  CPU us/ann   RSS MiB  peak MiB  private peak MiB');
  for (const proto of ['udp', 'http']) {
    for (const r of [shoal, opentracker]) {
      const x = r[proto];
      console.log(
        `${proto.padEnd(6)} ${r.name.padEnd(12)} ${f(x.rate)}   ${f(x.p50, 3)}${f(x.p99, 3)}${f(x.lost)}  ${(x.genCpu * 100).toFixed(0).padStart(6)}%${f(r.cpu[proto], 2).padStart(12)}${f(r.mem.rss, 1)}${f(r.mem.peak, 1)}${f(r.mem.anonPeak, 1).padStart(18)}`,
      );
    }
  }
  console.log(
    `\nratio shoal/opentracker: UDP announces/s ${(shoal.udp.rate / opentracker.udp.rate).toFixed(2)} (goal: >= 0.9), ` +
      `HTTP announces/s ${(shoal.http.rate / opentracker.http.rate).toFixed(2)}, ` +
      `tracker CPU per announce UDP ${(opentracker.cpu.udp / shoal.cpu.udp).toFixed(2)} and HTTP ${(opentracker.cpu.http / shoal.cpu.http).toFixed(2)} (opentracker's / shoal's), ` +
      `UDP p99 ${shoal.udp.p99.toFixed(2)} ms (bar: < 5 ms), peak RSS ${(shoal.mem.peak / opentracker.mem.peak).toFixed(1)}x ` +
      `(shoal ${shoal.mem.peak.toFixed(1)} MiB, of it private ${shoal.mem.anonPeak.toFixed(1)} MiB at most)`,
  );
  console.log('gen CPU: the load generator\'s own CPU use (100% = one core busy: then it, not the tracker, is the limit).');
  console.log('CPU us/ann: the tracker\'s CPU time (user + system, all threads) per announce, median round.');
  console.log('private: resident memory that is the process\'s own (RssAnon, sampled every 100 ms), without the mapped program text.');
} finally {
  await Promise.all(trackers.map((t) => stopGroup(t.child)));
  await rm(work, { recursive: true, force: true });
}
