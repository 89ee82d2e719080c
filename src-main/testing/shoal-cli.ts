// Test support: the built CLI (dist/cli.js) as a real process, the way users and benchmarks run it.
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, waitFor, type RunningProcess } from './processes';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Runs `shoal …` from the build; `npm test` builds before it runs the tests. */
export function startShoal(args: readonly string[]): RunningProcess {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run 'npm run build' first`);
  return startProcess(process.execPath, [cliPath, ...args]);
}

let bundledCli: Promise<string> | undefined;

/**
 * Bundles the CLI once per test file (as `npm run build` would) into a temporary folder, for
 * tests that run without a build.
 */
export function buildCli(): Promise<string> {
  bundledCli ??= (async () => {
    const { build } = await import('esbuild');
    const dir = await mkdtemp(join(tmpdir(), 'shoal-cli-'));
    const out = join(dir, 'cli.mjs');
    // The engine worker beside it, as dist/ has it, so download, seed and serve run too.
    const bundles = [
      { entry: '../cli.ts', outfile: out },
      { entry: '../host/worker-entry.ts', outfile: join(dir, 'engine-worker.js') },
    ];
    for (const { entry, outfile } of bundles) {
      await build({
        entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        external: ['electron'],
        banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
        logLevel: 'silent',
      });
    }
    return out;
  })();
  return bundledCli;
}

/** Removes what `buildCli` made (call from afterAll). */
export async function removeBuiltCli(): Promise<void> {
  const built = bundledCli;
  bundledCli = undefined;
  const cli = await built?.catch(() => undefined);
  if (cli) await rm(dirname(cli), { recursive: true, force: true });
}

export interface ShoalTrackerProcess {
  readonly httpAnnounceUrl: string;
  readonly udpAnnounceUrl: string;
  readonly process: RunningProcess;
}

/** Runs `shoal tracker` (bundled by `buildCli`) on free ports and waits until it prints its URLs. */
export async function startShoalTracker(extraArgs: readonly string[] = []): Promise<ShoalTrackerProcess> {
  const proc = startProcess(process.execPath, [await buildCli(), 'tracker', '--http', '127.0.0.1:0', '--udp', '127.0.0.1:0', ...extraArgs]);
  try {
    return await waitFor(
      'shoal tracker to print its URLs',
      () => {
        if (proc.child.exitCode !== null) throw new Error(`shoal tracker exited: ${proc.output().slice(-2000)}`);
        const http = /(http:\/\/127\.0\.0\.1:\d+\/announce)/.exec(proc.output())?.[1];
        const udp = /(udp:\/\/127\.0\.0\.1:\d+\/announce)/.exec(proc.output())?.[1];
        return http && udp ? { httpAnnounceUrl: http, udpAnnounceUrl: udp, process: proc } : undefined;
      },
      15_000,
      50,
    );
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

/** Waits for a started CLI to exit within `timeoutMs`, else stops it and fails with its output. */
export async function exitOf(proc: RunningProcess, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const result = await Promise.race([proc.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    await proc.stop();
    throw new Error(`shoal did not finish within ${timeoutMs} ms; it printed:\n${proc.output().slice(-4000)}`);
  }
  return result;
}

/** A folder of random files: `sizes` maps relative paths to byte counts. */
export async function writePayload(root: string, sizes: Readonly<Record<string, number>>): Promise<void> {
  for (const [path, size] of Object.entries(sizes)) {
    const file = join(root, path);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, randomBytes(size));
  }
}

/** Every file under `dir`, relative path → bytes. */
async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else out.set(relative(dir, p), await readFile(p));
    }
  };
  if ((await stat(dir).catch(() => null))?.isDirectory()) await walk(dir);
  else out.set('', await readFile(dir));
  return out;
}

/** Resolves to a list of differences between two files or folders (empty when identical). */
export async function compareTrees(expected: string, actual: string): Promise<string[]> {
  const a = await readTree(expected);
  const b = await readTree(actual).catch(() => new Map<string, Buffer>());
  const problems: string[] = [];
  for (const [path, data] of a) {
    const other = b.get(path);
    if (!other) problems.push(`${path || actual} is missing`);
    else if (!data.equals(other)) problems.push(`${path || actual} differs`);
  }
  return problems;
}
