// npm run bench:rc4 — our RC4 (src-main/engine/mse/rc4.ts) in MB/s over 16 KiB blocks, in place as
// MSE runs it, beside OpenSSL's (`openssl speed -evp rc4`, from its legacy provider), as a ratio.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const BLOCK = 16 * 1024;
const SECONDS = 3;

async function loadRc4() {
  const dir = await mkdtemp(join(tmpdir(), 'rc4-bench-'));
  const outfile = join(dir, 'rc4.mjs');
  await build({ entryPoints: [fileURLToPath(new URL('./rc4.ts', import.meta.url))], outfile, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  const { Rc4 } = await import(pathToFileURL(outfile).href);
  await rm(dir, { recursive: true });
  return Rc4;
}

/**
 * MB/s (10^6 bytes) of ours, best of three runs of SECONDS each after a warm-up. Divided by CPU
 * user time, as `openssl speed` does (without -elapsed), so others' load on the machine counts
 * against neither.
 */
function ours(Rc4) {
  const cipher = new Rc4(new Uint8Array(20).fill(7), 1024);
  const block = new Uint8Array(BLOCK);
  for (let i = 0; i < 2000; i++) cipher.update(block);
  let best = 0;
  for (let run = 0; run < 3; run++) {
    let bytes = 0;
    const started = process.cpuUsage();
    let elapsed = 0;
    while (elapsed < SECONDS) {
      for (let i = 0; i < 256; i++) cipher.update(block);
      bytes += 256 * BLOCK;
      elapsed = process.cpuUsage(started).user / 1e6;
    }
    best = Math.max(best, bytes / elapsed / 1e6);
  }
  return best;
}

/** OpenSSL's MB/s for 16 KiB blocks, best of three runs as ours, or the reason it has none. */
function openssl() {
  let best;
  for (let run = 0; run < 3; run++) {
    const result = opensslOnce();
    if (result.mbps === undefined) return result;
    if (!best || result.mbps > best.mbps) best = result;
  }
  return best;
}

function opensslOnce() {
  const args = ['speed', '-provider', 'legacy', '-provider', 'default', '-seconds', String(SECONDS), '-bytes', String(BLOCK), '-evp', 'rc4'];
  try {
    const output = execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    // The last line: "RC4   512263.31k" (thousands of bytes a second).
    const match = /^rc4\s+([\d.]+)k\s*$/im.exec(output);
    if (!match) return { reason: `no RC4 line in: ${output.trim().split('\n').at(-1)}` };
    return { mbps: Number(match[1]) / 1000, command: `openssl ${args.join(' ')}` };
  } catch (err) {
    return { reason: `openssl speed failed (${err.stderr?.toString().trim().split('\n')[0] ?? err.message})` };
  }
}

const Rc4 = await loadRc4();
const mine = ours(Rc4);
const theirs = openssl();
console.log(`Shoal RC4 (TypeScript, in place, 16 KiB blocks, per CPU user second): ${mine.toFixed(0)} MB/s`);
if (theirs.mbps === undefined) {
  console.log(`OpenSSL RC4: unavailable: ${theirs.reason}`);
} else {
  console.log(`OpenSSL RC4 (${theirs.command}): ${theirs.mbps.toFixed(0)} MB/s`);
  console.log(`ratio Shoal / OpenSSL: ${(mine / theirs.mbps).toFixed(2)}`);
}
