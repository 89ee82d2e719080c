import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShoalError } from '../../src-shared/errors';
import { HttpTrackerClient } from '../engine/tracker/http-tracker-client';
import { UdpTrackerClient } from '../engine/tracker/udp-tracker-client';
import { buildCli, removeBuiltCli } from '../testing/shoal-cli';
import { command, parseEndpoint } from './tracker';

describe('parseEndpoint', () => {
  it('reads HOST:PORT, [IPv6]:PORT and off', () => {
    expect(parseEndpoint('127.0.0.1:6969', '--http')).toEqual({ host: '127.0.0.1', port: 6969 });
    expect(parseEndpoint('[::1]:0', '--udp')).toEqual({ host: '::1', port: 0 });
    expect(parseEndpoint('off', '--udp')).toBeNull();
  });

  it.each(['127.0.0.1', '127.0.0.1:70000', ':80', 'host:-1', '::1:80'])('refuses %s', (text) => {
    expect(() => parseEndpoint(text, '--http')).toThrow(/--http must be HOST:PORT/);
  });
});

describe('shoal tracker (arguments)', () => {
  it.each([
    [['--interval', '0'], /--interval must be a whole number/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--http', 'off', '--udp', 'off'], /At least one of --http and --udp/],
    [['--allow', '/nonexistent/allow.txt'], /does not exist/],
  ])('refuses %j with a ShoalError', async (argv, message) => {
    const err = await command.run(argv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShoalError);
    expect((err as ShoalError).message).toMatch(message);
  });
});

describe('shoal tracker (process)', () => {
  let dir: string;
  let cli: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-tracker-cli-'));
    cli = await buildCli();
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await removeBuiltCli();
  });

  function runCli(args: string[]) {
    const child = spawn(process.execPath, [cli, 'tracker', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exit, out: () => stdout, err: () => stderr };
  }

  it('serves HTTP and UDP with an allow-list and exits cleanly on SIGTERM', async () => {
    const allowed = Buffer.alloc(20, 0xab);
    const allowFile = join(dir, 'allow.txt');
    await writeFile(allowFile, `# private\n${allowed.toString('hex')}\n`);
    const run = runCli(['--http', '127.0.0.1:0', '--udp', '127.0.0.1:0', '--interval', '60', '--allow', allowFile]);
    try {
      for (let i = 0; i < 100 && !/udp:\/\//.test(run.out()); i++) await new Promise((r) => setTimeout(r, 50));
      const http = /(http:\/\/127\.0\.0\.1:\d+\/announce)/.exec(run.out())?.[1];
      const udp = /(udp:\/\/127\.0\.0\.1:\d+\/announce)/.exec(run.out())?.[1];
      expect(run.out()).toContain('1 torrents allowed');
      const request = { infoHash: allowed, peerId: Buffer.alloc(20, 1), port: 7000, uploaded: 0, downloaded: 0, left: 5, event: 'started' as const, numwant: 10, key: 1 };
      expect((await new HttpTrackerClient(http!).announce(request)).interval).toBe(60);
      expect(await new UdpTrackerClient(udp!, { retryBaseMs: 200, maxRetries: 1 }).scrape(allowed)).toEqual({ complete: 0, incomplete: 1, downloaded: 0 });
      await expect(new HttpTrackerClient(http!).announce({ ...request, infoHash: Buffer.alloc(20, 1) })).rejects.toThrow(/not registered/);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exit).toBe(0);
  }, 20_000);

  it('says "port N is already in use" and exits 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = runCli(['--http', `127.0.0.1:${port}`, '--udp', 'off']);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 10_000);
      expect(await run.exit).toBe(1);
      clearTimeout(timer);
      expect(run.err().trim()).toBe(`error: port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  }, 20_000);
});
