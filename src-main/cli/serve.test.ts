import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { WebSocket } from 'ws';
import type { EventPayload } from '../../src-shared/contract';
import { connectWebSocket, type ShoalWebSocketClient, type WebSocketLike } from '../../src-renderer/src/transport/ws-client';
import type { EngineConnection } from '../host/engine-supervisor';
import type { EngineWorkerData } from '../host/worker-data';
import { connectEnginePort } from '../transport/port-client';
import { serveEngineOnPort } from '../transport/port-server';
import { fakeHash } from '../testing/summary-row';
import { createFakeEngine, type FakeEngine } from '../transport/testing/fake-engine';
import { createServeCommand } from './serve';

let dir: string;
let rendererDir: string;
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-serve-cli-'));
  rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Shoal</title>');
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An engine "worker" in this thread, over a real MessageChannel, that a test can crash. */
interface Harness {
  engines: FakeEngine[];
  spawned: EngineWorkerData[];
  stopped: number;
  crash(): void;
  stop(): void;
  lines: string[];
  run(argv: string[]): Promise<number>;
  url(): Promise<URL>;
}

function harness(extra: { requiredFiles?: string[] } = {}): Harness {
  let crashCurrent: () => void = () => {};
  let stopServing: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => (stopServing = resolve));
  let announce: (line: string) => void = () => {};
  const announced = new Promise<string>((resolve) => (announce = resolve));
  const h: Harness = {
    engines: [],
    spawned: [],
    stopped: 0,
    lines: [],
    crash: () => crashCurrent(),
    stop: () => stopServing(),
    run: (argv) => command.run(argv),
    url: async () => new URL((await announced).replace('shoal serve: open ', '')),
  };
  const startEngine = (data: EngineWorkerData): EngineConnection => {
    const engine = createFakeEngine();
    h.engines.push(engine);
    h.spawned.push(data);
    const { port1, port2 } = new MessageChannel();
    const unserve = serveEngineOnPort(engine, port1);
    const api = connectEnginePort(port2, () => {});
    let exit: (reason: string) => void = () => {};
    const exited = new Promise<string>((resolve) => (exit = resolve));
    const end = (reason: string): void => {
      unserve();
      api.close();
      port1.close();
      exit(reason);
    };
    crashCurrent = () => end('it crashed: test');
    return {
      api,
      exited,
      stop: async () => {
        h.stopped++;
        end('stopped');
      },
    };
  };
  const command = createServeCommand({
    startEngine,
    rendererDir,
    requiredFiles: extra.requiredFiles ?? [join(rendererDir, 'index.html')],
    untilStopped: () => stopRequested,
    log: (line) => {
      h.lines.push(line);
      if (line.startsWith('shoal serve: open ')) announce(line);
    },
  });
  return h;
}

const dirs = (): string[] => ['--download-dir', join(dir, 'downloads'), '--state-dir', join(dir, 'state')];

function browser(url: URL): ShoalWebSocketClient {
  const client = connectWebSocket(`ws://${url.host}/ws`, {
    createSocket: (u) =>
      new WebSocket(u, { headers: { cookie: `shoal_session=${url.searchParams.get('token')}` }, origin: url.origin }) as unknown as WebSocketLike,
    reconnectDelayMs: 50,
  });
  cleanups.push(() => client.close());
  return client;
}

function status(url: URL, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: url.hostname, port: Number(url.port), path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('shoal serve', { timeout: 15_000 }, () => {
  it('prints its options with --help', async () => {
    const h = harness();
    expect(await h.run(['--help'])).toBe(0);
    expect(h.lines[0]).toMatch(/^usage: shoal serve/);
    expect(h.engines).toEqual([]);
  });

  it.each([
    [['--port', '70000'], '--port must be a whole number from 0 to 65535, not "70000"'],
    [['--port', 'http'], '--port must be a whole number from 0 to 65535, not "http"'],
    [['--token', 'short'], '--token must be 8 to 256 letters, digits or . _ ~ -'],
    [['--token', 'has space in it'], '--token must be 8 to 256 letters, digits or . _ ~ -'],
  ])('refuses %j', async (argv, message) => {
    const h = harness();
    await expect(h.run([...argv, ...dirs()])).rejects.toMatchObject({ code: 'invalid-input', message });
    expect(h.engines).toEqual([]);
  });

  it('refuses an unknown option in one sentence', async () => {
    await expect(harness().run(['--bogus'])).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining("'--bogus'") });
  });

  it('says what to do when it is not built', async () => {
    const h = harness({ requiredFiles: [join(dir, 'engine-worker.js')] });
    await expect(h.run(['--port', '0', ...dirs()])).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('run npm run build') });
  });

  it('serves the UI and the engine behind a generated token, then stops cleanly', async () => {
    const h = harness();
    const running = h.run(['--port', '0', ...dirs()]);
    cleanups.push(async () => {
      h.stop();
      await running.catch(() => {});
    });
    const url = await h.url();
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(h.spawned).toEqual([{ downloadDir: join(dir, 'downloads'), stateDir: join(dir, 'state'), downloadDirGiven: true }]);
    expect(await status(url, '/')).toBe(401);
    expect(await status(url, `/?token=${url.searchParams.get('token')}`)).toBe(303);

    const client = browser(url);
    await expect(client.invoke('pause', { infoHashes: [fakeHash] })).resolves.toEqual({});
    expect(h.engines[0]!.calls).toEqual([['pause', { infoHashes: [fakeHash] }]]);

    h.stop();
    expect(await running).toBe(0);
    expect(h.stopped).toBe(1);
  });

  it('uses the token it is given', async () => {
    const h = harness();
    const running = h.run(['--port', '0', '--token', 'my.secret-token', ...dirs()]);
    cleanups.push(async () => {
      h.stop();
      await running.catch(() => {});
    });
    const url = await h.url();
    expect(url.searchParams.get('token')).toBe('my.secret-token');
  });

  it('restarts a crashed engine and tells the browser', async () => {
    const h = harness();
    const running = h.run(['--port', '0', ...dirs()]);
    cleanups.push(async () => {
      h.stop();
      await running.catch(() => {});
    });
    const client = browser(await h.url());
    await client.invoke('getSettings', {});
    const notice = new Promise<EventPayload<'notice'>>((resolve) => client.on('notice', resolve));
    h.crash();
    expect(await notice).toMatchObject({ kind: 'engine-restarted', message: expect.stringMatching(/it crashed: test.*torrents were restored/) });
    expect(h.engines).toHaveLength(2);
    await expect(client.invoke('resume', { infoHashes: [] })).resolves.toEqual({});
    expect(h.engines[1]!.calls).toEqual([['resume', { infoHashes: [] }]]);
  });

  it('reports a port in use and stops the engine it started', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const h = harness();
    await expect(h.run(['--port', String(port), ...dirs()])).rejects.toMatchObject({
      code: 'port-in-use',
      message: `port ${port} is already in use`,
    });
    expect(h.stopped).toBe(1);
  });
});
