/** Test support for interop tests: free ports, third-party processes in their own groups, polling. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export { freePort } from './processes';
import { freePort } from './processes';

/** Spawns a command as the leader of a new process group, so `killGroup` ends it and its children. */
export function spawnGroup(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

export async function killGroup(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 3000);
  await exited;
  clearTimeout(timer);
}

/** Polls `check` every `everyMs` until it returns a value or `timeoutMs` passes. */
export async function waitUntil<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined;
    try {
      value = await check();
    } catch {
      value = undefined;
    }
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface Opentracker {
  readonly port: number;
  readonly child: ChildProcess;
}

/**
 * Starts Debian's opentracker on 127.0.0.1 (TCP and UDP on one port) with a whitelist, which that
 * build requires. As root it chroots into `dir` and runs as nobody, so the list's path is inside it.
 */
export async function startOpentracker(dir: string, allowHex: readonly string[]): Promise<Opentracker> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  await writeFile(join(dir, 'whitelist'), `${allowHex.join('\n')}\n`, { mode: 0o644 });
  const port = await freePort();
  const root = process.getuid?.() === 0;
  const args = ['-i', '127.0.0.1', '-p', String(port), '-P', String(port), '-d', dir, '-w', root ? '/whitelist' : join(dir, 'whitelist')];
  if (root) args.push('-u', 'nobody');
  const child = spawnGroup('opentracker', args, { cwd: dir });
  await waitUntil(
    async () => {
      if (child.exitCode !== null) throw new Error('opentracker exited');
      const res = await fetch(`http://127.0.0.1:${port}/scrape?info_hash=${'%00'.repeat(20)}`, { signal: AbortSignal.timeout(500) });
      await res.arrayBuffer();
      return true;
    },
    10_000,
    'opentracker to answer',
  );
  return { port, child };
}

export interface ShoalTrackerProcess {
  readonly httpAnnounceUrl: string;
  readonly udpAnnounceUrl: string;
  readonly child: ChildProcess;
}

let builtCli: Promise<string> | undefined;

/** Bundles the CLI once per test file (as `npm run build` would) into a temporary folder. */
export function buildCli(): Promise<string> {
  builtCli ??= (async () => {
    const { build } = await import('esbuild');
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const out = join(await mkdtemp(join(tmpdir(), 'shoal-cli-')), 'cli.mjs');
    await build({
      entryPoints: [new URL('../cli.ts', import.meta.url).pathname],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'esm',
      external: ['electron'],
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: 'silent',
    });
    return out;
  })();
  return builtCli;
}

/** Removes what `buildCli` made (call from afterAll). */
export async function removeBuiltCli(): Promise<void> {
  const built = builtCli;
  builtCli = undefined;
  const cli = await built?.catch(() => undefined);
  if (cli) await rm(dirname(cli), { recursive: true, force: true });
}

/** Runs `shoal tracker` as its own process on free ports and waits until it prints its URLs. */
export async function startShoalTracker(extraArgs: readonly string[] = []): Promise<ShoalTrackerProcess> {
  const cli = await buildCli();
  const child = spawnGroup(process.execPath, [cli, 'tracker', '--http', '127.0.0.1:0', '--udp', '127.0.0.1:0', ...extraArgs]);
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  try {
    return await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error('shoal tracker exited');
        const http = /(http:\/\/127\.0\.0\.1:\d+\/announce)/.exec(stdout)?.[1];
        const udp = /(udp:\/\/127\.0\.0\.1:\d+\/announce)/.exec(stdout)?.[1];
        return http && udp ? { httpAnnounceUrl: http, udpAnnounceUrl: udp, child } : undefined;
      },
      15_000,
      'shoal tracker to start',
      50,
    );
  } catch (err) {
    await killGroup(child);
    throw err;
  }
}
