// `npm run bench:create`: `shoal create` of a 1 GiB file, v1 (default), `--v2` and `--hybrid`,
// against this machine's single-thread hash ceilings (`openssl speed -evp sha1` and `sha256`,
// 16384-byte blocks). Goal (issue #16): at least 1.7 × one core on 2 cores, both cores hashing.
// A hybrid hashes every byte twice, so its reference is one core doing both: 1 / (1/sha1 + 1/sha256).
// Runs the built CLI (dist/cli.js) as a user would; the file is written and flushed first, so it
// is read from the page cache, like openssl's in-memory figure. Rounds alternate the versions.
// `openssl speed` hashes one 16 KiB block over and over in the CPU's cache: the hash alone. For
// context the bench also times `openssl dgst` of the same file, one core that reads it as we do.
// Then the recheck of each torrent made (`checkPieces`, as the engine runs it, bundled from the
// sources): the check's own wall time (the engine is already running) and its process's CPU.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { build } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const size = 1024 ** 3;
const runs = 3;

// Bytes per second. By default openssl divides by CPU time; `-elapsed` divides by wall-clock
// time, which shows how much of a core a busy machine actually leaves us.
function openssl(algorithm, elapsed = false) {
  const args = ['speed', ...(elapsed ? ['-elapsed'] : []), '-evp', algorithm, '-bytes', '16384', '-seconds', '3'];
  const out = execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  // Last line: "sha1   1668530.18k" (thousands of bytes per second).
  const match = new RegExp(`^${algorithm}\\s+([\\d.]+)k\\s*$`, 'm').exec(out);
  if (!match) throw new Error(`cannot read openssl speed output:\n${out}`);
  return Number(match[1]) * 1000;
}

// Runs a command under GNU time when installed: its wall seconds, CPU seconds (user + sys, NaN
// without GNU time) and output.
function timed(command) {
  const wrapped = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', '%U %S', ...command] : command;
  const start = process.hrtime.bigint();
  const result = spawnSync(wrapped[0], wrapped.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed with status ${result.status}: ${result.stderr}`);
  const [user, sys] = result.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { seconds, cpu: user + sys, stdout: result.stdout };
}

const versions = [
  { name: 'v1', flags: [] },
  { name: 'v2', flags: ['--v2'] },
  { name: 'hybrid', flags: ['--hybrid'] },
];
const mb = (bytesPerSecond) => `${(bytesPerSecond / 1e6).toFixed(0)} MB/s`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'shoal-bench-create-'));
try {
  const file = join(dir, 'one-gib.bin');
  const block = randomFillSync(Buffer.alloc(16 * 1024 * 1024));
  const fd = openSync(file, 'w');
  for (let written = 0; written < size; written += block.length) writeSync(fd, block);
  // Flushed first: otherwise the kernel's writeback of 1 GiB of dirty pages competes with the runs.
  fsyncSync(fd);
  closeSync(fd);

  const before = { sha1: openssl('sha1'), sha256: openssl('sha256') };
  const times = Object.fromEntries(versions.map((v) => [v.name, []]));
  const cpu = Object.fromEntries(versions.map((v) => [v.name, []]));
  for (let i = 0; i < runs; i++) {
    for (const version of versions) {
      const out = join(dir, `run-${version.name}-${i}.torrent`);
      const run = timed([process.execPath, cli, 'create', file, '-o', out, ...version.flags]);
      times[version.name].push(run.seconds);
      if (Number.isFinite(run.cpu)) cpu[version.name].push(run.cpu);
    }
  }
  const dgst = { sha1: timed(['openssl', 'dgst', '-sha1', file]), sha256: timed(['openssl', 'dgst', '-sha256', file]) };

  // The recheck as the engine runs it, from the sources (the CLI has no command that only checks).
  const checker = join(dir, 'check.mjs');
  await build({
    stdin: {
      contents: `import { readFileSync } from 'node:fs';
        import { parseTorrent } from './src-main/engine/metainfo/parse-torrent';
        import { checkPieces } from './src-main/engine/storage/check';
        const [torrent, folder] = process.argv.slice(2);
        const metainfo = parseTorrent(readFileSync(torrent));
        const start = performance.now();
        const have = await checkPieces(metainfo, folder);
        if (!have.complete) throw new Error('the recheck found pieces missing');
        console.log((performance.now() - start) / 1000);`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: checker,
    logLevel: 'error',
  });
  const checks = Object.fromEntries(versions.map((v) => [v.name, []]));
  const checkCpu = Object.fromEntries(versions.map((v) => [v.name, []]));
  for (let i = 0; i < runs; i++) {
    for (const version of versions) {
      const run = timed([process.execPath, checker, join(dir, `run-${version.name}-${runs - 1}.torrent`), dir]);
      checks[version.name].push(Number(run.stdout));
      if (Number.isFinite(run.cpu)) checkCpu[version.name].push(run.cpu);
    }
  }
  const after = { sha1: openssl('sha1'), sha256: openssl('sha256') };
  const elapsed = { sha1: openssl('sha1', true), sha256: openssl('sha256', true) };

  const sha1 = Math.max(before.sha1, after.sha1);
  const sha256 = Math.max(before.sha256, after.sha256);
  const reference = { v1: sha1, v2: sha256, hybrid: 1 / (1 / sha1 + 1 / sha256) };
  console.log(`openssl speed -evp, 16384-byte blocks, one core: sha1 ${mb(before.sha1)} before, ${mb(after.sha1)} after; sha256 ${mb(before.sha256)} before, ${mb(after.sha256)} after`);
  console.log(`references: v1 ${mb(reference.v1)} (sha1), v2 ${mb(reference.v2)} (sha256), hybrid ${mb(reference.hybrid)} (one core doing both)`);
  console.log(`shoal create of 1 GiB, whole process, ${availableParallelism()} cores, ${runs} rounds:`);
  for (const { name } of versions) {
    const best = size / Math.min(...times[name]);
    const mid = size / median(times[name]);
    const cpuText = cpu[name].length > 0 ? `; CPU ${cpu[name].map((c) => `${c.toFixed(2)} s`).join(', ')}` : '';
    console.log(
      `  ${name.padEnd(6)} ${times[name].map((t) => `${t.toFixed(2)} s`).join(', ')}: best ${mb(best)}, median ${mb(mid)}; ratio best ${(best / reference[name]).toFixed(2)}, median ${(mid / reference[name]).toFixed(2)} (goal >= 1.7)${cpuText}`,
    );
  }
  const dgstText = (name, run) => `openssl dgst -${name} ${run.seconds.toFixed(2)} s (${mb(size / run.seconds)}${Number.isFinite(run.cpu) ? `, CPU ${run.cpu.toFixed(2)} s` : ''})`;
  console.log(`one core reading and hashing the file: ${dgstText('sha1', dgst.sha1)}, ${dgstText('sha256', dgst.sha256)}`);
  console.log(`recheck of 1 GiB (checkPieces, the check's wall time; CPU of its whole process), ${runs} rounds:`);
  for (const { name } of versions) {
    const cpuText = checkCpu[name].length > 0 ? `; CPU ${checkCpu[name].map((c) => `${c.toFixed(2)} s`).join(', ')}` : '';
    console.log(`  ${name.padEnd(6)} ${checks[name].map((t) => `${t.toFixed(2)} s`).join(', ')}: median ${mb(size / median(checks[name]))}${cpuText}`);
  }
  // Context for a busy machine: openssl's own figures in wall-clock time and the load average.
  console.log(`context: openssl -elapsed sha1 ${mb(elapsed.sha1)}, sha256 ${mb(elapsed.sha256)}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
