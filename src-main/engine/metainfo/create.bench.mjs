// `npm run bench:create`: `shoal create` of a 1 GiB file against this machine's single-thread
// SHA-1 ceiling (`openssl speed -evp sha1`, 16384-byte blocks). Goal: a ratio of at least 0.90.
// Runs the built CLI (dist/cli.js) as a user would; the file is written and flushed first, so it
// is read from the page cache, like openssl's in-memory figure.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));
const size = 1024 ** 3;
const runs = 3;

// Bytes per second. By default openssl divides by CPU time; `-elapsed` divides by wall-clock
// time, which shows how much of a core a busy machine actually leaves us.
function opensslSha1(elapsed = false) {
  const args = ['speed', ...(elapsed ? ['-elapsed'] : []), '-evp', 'sha1', '-bytes', '16384', '-seconds', '3'];
  const out = execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  // Last line: "sha1   1668530.18k" (thousands of bytes per second).
  const match = /^sha1\s+([\d.]+)k\s*$/m.exec(out);
  if (!match) throw new Error(`cannot read openssl speed output:\n${out}`);
  return Number(match[1]) * 1000;
}

const mb = (bytesPerSecond) => `${(bytesPerSecond / 1e6).toFixed(0)} MB/s`;
const dir = mkdtempSync(join(tmpdir(), 'shoal-bench-create-'));
try {
  const file = join(dir, 'one-gib.bin');
  const block = randomFillSync(Buffer.alloc(16 * 1024 * 1024));
  const fd = openSync(file, 'w');
  for (let written = 0; written < size; written += block.length) writeSync(fd, block);
  // Flushed first: otherwise the kernel's writeback of 1 GiB of dirty pages competes with the runs.
  fsyncSync(fd);
  closeSync(fd);

  const before = opensslSha1();
  const times = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const out = join(dir, `run-${i}.torrent`);
    const command = [process.execPath, cli, 'create', file, '-o', out];
    // GNU time, when installed, adds the CPU seconds the run used (its last stderr line).
    const timed = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', '%U %S', ...command] : command;
    const start = process.hrtime.bigint();
    const result = spawnSync(timed[0], timed.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) throw new Error(`shoal create failed with status ${result.status}: ${result.stderr}`);
    times.push(seconds);
    const [user, sys] = result.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    if (Number.isFinite(user) && Number.isFinite(sys)) cpu.push(user + sys);
  }
  const after = opensslSha1();
  const wallClock = opensslSha1(true);

  const openssl = Math.max(before, after);
  const best = size / Math.min(...times);
  const median = size / [...times].sort((a, b) => a - b)[Math.floor(runs / 2)];
  console.log(`openssl speed -evp sha1, 16384-byte blocks: ${mb(before)} before, ${mb(after)} after; reference ${mb(openssl)}`);
  console.log(`shoal create of 1 GiB (whole process, ${availableParallelism()} cores): ${times.map((t) => `${t.toFixed(2)} s`).join(', ')}`);
  console.log(`shoal create: best ${mb(best)}, median ${mb(median)}`);
  console.log(`ratio: best ${(best / openssl).toFixed(3)}, median ${(median / openssl).toFixed(3)} (goal >= 0.90)`);
  // Context for a busy machine: openssl's own figure in wall-clock time, the load average, and
  // the CPU time shoal used (work per byte, whatever share of the cores it was given).
  console.log(`context: openssl -elapsed ${mb(wallClock)}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  if (cpu.length > 0) console.log(`context: shoal CPU time per run ${cpu.map((c) => `${c.toFixed(2)} s`).join(', ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
