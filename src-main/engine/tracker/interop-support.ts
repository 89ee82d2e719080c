/** Test support for interop tests: free ports, third-party processes in their own groups, polling. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A port free for both TCP and UDP on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

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
