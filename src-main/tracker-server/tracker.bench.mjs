// Tracker benchmark: `npm run bench:tracker`. Announces from 10,000 simulated peers over 1,000
// torrents on loopback, UDP then HTTP, against `shoal tracker` (dist/cli.js) and opentracker in
// the same run; prints announces per second, p50/p99 latency and the tracker's RSS, with ratios.
//
// The load generator keeps a bounded number of requests in flight over pre-built packets (UDP)
// or pre-built paths (HTTP, a connection per announce as most clients do, and as opentracker
// requires), and reports its own CPU use so a reader can tell when it, not the tracker, was the
// limit. Both trackers run side by side and are measured in alternating rounds, so load from
// anything else on the machine hits both alike; the table shows each one's median round.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
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

const alive = (child) => child.exitCode === null && child.signalCode === null;

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function summarize(latencies, count, seconds, cpu) {
  const sorted = latencies.subarray(0, count).sort();
  return { rate: count / seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), genCpu: cpu / seconds };
}

/** BEP 15 load: one connect, then `total` announces cycling through the peers, UDP_IN_FLIGHT at a time. */
async function udpLoad(port, total, child) {
  const socket = createSocket('udp4');
  await new Promise((r) => socket.bind(0, '127.0.0.1', r));
  // Connected: each send skips Node's per-datagram address handling, which keeps the generator light.
  await new Promise((r) => socket.connect(port, '127.0.0.1', r));
  socket.setRecvBufferSize(4 << 20);
  socket.setSendBufferSize(4 << 20);
  const connect = Buffer.alloc(16);
  connect.writeUInt32BE(0x417, 0);
  connect.writeUInt32BE(0x27101980, 4);
  connect.writeUInt32BE(0, 8);
  connect.writeUInt32BE(1, 12);
  const id = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no UDP connect reply')), 3000);
    socket.once('message', (m) => {
      clearTimeout(timer);
      resolve(m.subarray(8, 16));
    });
    socket.send(connect);
  });
  const packets = peers.map((p) => {
    const b = Buffer.alloc(98);
    id.copy(b, 0);
    b.writeUInt32BE(1, 8);
    p.hash.copy(b, 16);
    p.id.copy(b, 36);
    b.writeBigUInt64BE(p.port % 4 === 0 ? 0n : 1000n, 64); // a quarter are seeders
    b.writeUInt32BE(2, 80); // started
    b.writeInt32BE(50, 92);
    b.writeUInt16BE(p.port, 96);
    return b;
  });
  const sentAt = new Float64Array(total);
  const latencies = new Float64Array(total);
  let next = 0;
  let done = 0;
  let lost = 0;
  const pending = new Set();
  const startCpu = cpuSeconds();
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const send = () => {
      const n = next++;
      const packet = packets[n % PEERS];
      if (n >= PEERS) packet.writeUInt32BE(0, 80); // after the first round: regular announces
      packet.writeUInt32BE(n, 12);
      sentAt[n] = performance.now();
      pending.add(n);
      socket.send(packet);
    };
    const finish = () => {
      if (next < total) send();
      else if (pending.size === 0) {
        clearInterval(reaper);
        const seconds = (performance.now() - start) / 1000;
        socket.close();
        resolve({ ...summarize(latencies, done, seconds, cpuSeconds() - startCpu), lost });
      }
    };
    socket.on('message', (m) => {
      const n = m.readUInt32BE(4);
      if (m.readUInt32BE(0) !== 1 || !pending.delete(n)) return;
      latencies[done++] = performance.now() - sentAt[n];
      finish();
    });
    // A lost datagram must not shrink the window for good.
    const reaper = setInterval(() => {
      if (!alive(child) || lost > total / 100) {
        clearInterval(reaper);
        socket.close();
        reject(new Error(`UDP load failed: ${alive(child) ? `${lost} datagrams lost` : `the tracker exited (${child.exitCode ?? child.signalCode})`}`));
        return;
      }
      const cutoff = performance.now() - 1000;
      for (const n of pending) {
        if (sentAt[n] < cutoff) {
          pending.delete(n);
          lost++;
          finish();
        }
      }
    }, 250);
    for (let i = 0; i < UDP_IN_FLIGHT; i++) send();
  });
}

const esc = (b) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('');

/** True when `raw` holds a complete HTTP 200 reply (status line, headers, Content-Length bytes of body). */
function complete200(raw) {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0 || !/^HTTP\/1\.[01] 200 /.test(raw.toString('latin1', 0, 16))) return false;
  const length = /content-length:\s*(\d+)/i.exec(raw.toString('latin1', 0, headEnd))?.[1];
  return length !== undefined && raw.length - headEnd - 4 >= Number(length);
}

/**
 * HTTP load: `total` announces, HTTP_CONNECTIONS at a time, one HTTP/1.0 request per connection
 * from pre-built bytes. Raw sockets keep the generator light, and opentracker resets connections
 * right after it answers, which Node's HTTP client reports as failures even when the reply came.
 */
async function httpLoad(port, total, child) {
  const requests = peers.map((p) =>
    Buffer.from(
      `GET /announce?info_hash=${esc(p.hash)}&peer_id=${esc(p.id)}&port=${p.port}&uploaded=0&downloaded=0&left=${p.port % 4 === 0 ? 0 : 1000}&compact=1&numwant=50 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`,
      'latin1',
    ),
  );
  const latencies = new Float64Array(total);
  let next = 0;
  let done = 0;
  let failed = 0;
  const startCpu = cpuSeconds();
  const start = performance.now();
  const worker = async () => {
    while (next < total) {
      if (!alive(child) || failed > total / 100) throw new Error(`HTTP load failed: ${alive(child) ? `${failed} requests failed` : `the tracker exited (${child.exitCode ?? child.signalCode})`}`);
      const n = next++;
      const t0 = performance.now();
      const ok = await new Promise((resolve) => {
        const chunks = [];
        let settled = false;
        const settle = () => {
          if (settled) return;
          settled = true;
          resolve(complete200(Buffer.concat(chunks)));
        };
        const socket = connect({ host: '127.0.0.1', port }, () => socket.end(requests[n % PEERS]));
        socket.on('data', (c) => {
          chunks.push(c);
          if (complete200(Buffer.concat(chunks))) {
            settle();
            socket.destroy();
          }
        });
        socket.setTimeout(5000, () => socket.destroy());
        socket.on('error', settle);
        socket.on('close', settle);
      });
      if (ok) latencies[done++] = performance.now() - t0;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: HTTP_CONNECTIONS }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { ...summarize(latencies, done, seconds, cpuSeconds() - startCpu), lost: failed };
}

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

  const anon = watchAnon(trackers.map((t) => t.child));
  const results = new Map(trackers.map((t) => [t.name, { udp: [], http: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of trackers) results.get(t.name).udp.push(await udpLoad(t.port, UDP_ANNOUNCES, t.child));
    for (const t of trackers) results.get(t.name).http.push(await httpLoad(t.port, HTTP_ANNOUNCES, t.child));
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  const [shoal, opentracker] = await Promise.all(
    trackers.map(async (t) => {
      const r = results.get(t.name);
      return { name: t.name, udp: median(r.udp, 'rate'), http: median(r.http, 'rate'), mem: { ...(await rssOf(t.child.pid)), anonPeak: anon.peak(t.child.pid) } };
    }),
  );
  anon.stop();

  const f = (x, d = 0) => x.toFixed(d).padStart(10);
  console.log(
    `\n${PEERS} peers over ${TORRENTS} torrents on 127.0.0.1; per round ${UDP_ANNOUNCES} UDP announces (${UDP_IN_FLIGHT} in flight) ` +
      `and ${HTTP_ANNOUNCES} HTTP announces (${HTTP_CONNECTIONS} at a time); median of ${ROUNDS} rounds\n`,
  );
  console.log('proto  tracker        announces/s    p50 ms    p99 ms      lost  gen CPU   RSS MiB  peak MiB  private peak MiB');
  for (const proto of ['udp', 'http']) {
    for (const r of [shoal, opentracker]) {
      const x = r[proto];
      console.log(
        `${proto.padEnd(6)} ${r.name.padEnd(12)} ${f(x.rate)}   ${f(x.p50, 3)}${f(x.p99, 3)}${f(x.lost)}  ${(x.genCpu * 100).toFixed(0).padStart(6)}%${f(r.mem.rss, 1)}${f(r.mem.peak, 1)}${f(r.mem.anonPeak, 1).padStart(18)}`,
      );
    }
  }
  console.log(
    `\nratio shoal/opentracker: UDP announces/s ${(shoal.udp.rate / opentracker.udp.rate).toFixed(2)} (goal: >= 0.9), ` +
      `HTTP announces/s ${(shoal.http.rate / opentracker.http.rate).toFixed(2)}, ` +
      `UDP p99 ${shoal.udp.p99.toFixed(2)} ms (bar: < 5 ms), peak RSS ${(shoal.mem.peak / opentracker.mem.peak).toFixed(1)}x ` +
      `(shoal ${shoal.mem.peak.toFixed(1)} MiB, of it private ${shoal.mem.anonPeak.toFixed(1)} MiB at most)`,
  );
  console.log('gen CPU: the load generator\'s own CPU use (100% = one core busy: then it, not the tracker, is the limit).');
  console.log('private: resident memory that is the process\'s own (RssAnon, sampled every 100 ms), without the mapped program text.');
} finally {
  await Promise.all(trackers.map((t) => stopGroup(t.child)));
  await rm(work, { recursive: true, force: true });
}
