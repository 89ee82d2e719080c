import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { request as httpRequest, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { decode } from '@msgpack/msgpack';
import { encodeFrame, PROTOCOL_VERSION, type EventPayload } from '../../src-shared/contract';
import { connectWebSocket, type ShoalWebSocketClient, type WebSocketLike } from '../../src-renderer/src/transport/ws-client';
import { fakeHash, fakeSummary } from '../testing/summary-row';
import { createFakeEngine, type FakeEngine } from '../transport/testing/fake-engine';
import type { WsRelayOptions } from '../transport/ws-relay';
import { startServeServer, type ServeServer } from './serve-server';

const token = 'test-token-0123456789';
let dir: string;
let rendererDir: string;
let server: ServeServer | null = null;
let engine: FakeEngine;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-serve-'));
  rendererDir = join(dir, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Shoal</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'TOP-SECRET');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  cleanups.splice(0).forEach((c) => c());
  await server?.close();
  server = null;
});

async function start(relay?: WsRelayOptions): Promise<ServeServer> {
  engine = createFakeEngine();
  server = await startServeServer({ host: '127.0.0.1', port: 0, token, rendererDir, engine, ...(relay ? { relay } : {}) });
  return server;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: Number(server!.origin.port), path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const cookie = `shoal_session=${token}`;
const wsUrl = (): string => `ws://${server!.origin.host}/ws`;
const ownOrigin = (): string => server!.origin.origin;

function rawSocket(headers: Record<string, string>, origin = ownOrigin()): WebSocket {
  const ws = new WebSocket(wsUrl(), { headers, origin });
  cleanups.push(() => ws.terminate());
  return ws;
}

function upgradeStatus(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
    ws.on('error', () => {});
  });
}

function client(): ShoalWebSocketClient {
  const c = connectWebSocket(wsUrl(), {
    createSocket: (url) => new WebSocket(url, { headers: { cookie }, origin: ownOrigin() }) as unknown as WebSocketLike,
    reconnectDelayMs: 50,
  });
  cleanups.push(() => c.close());
  return c;
}

describe('shoal serve over HTTP', { timeout: 10_000 }, () => {
  it('refuses requests without the token', async () => {
    await start();
    expect((await get('/')).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
    expect((await get('/?token=wrong-token-value')).status).toBe(401);
    expect((await get('/', { cookie: 'shoal_session=nope' })).status).toBe(401);
  });

  it('slows wrong tokens down after a few tries, and lets the right one in once the wait is over', async () => {
    await start();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await get(`/?token=guess-number-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    // While the wait lasts nothing is checked, the right token neither (else guessing goes on).
    const waiting = await get(`/?token=${token}`);
    expect(waiting.status).toBe(429);
    expect(await upgradeStatus(rawSocket({ cookie }))).toBe(429);
    const retryAfter = Number(waiting.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    expect((await get(`/?token=${token}`)).status).toBe(303);
    // The right token clears the slate: the next mistake is one of the free ones again.
    expect((await get('/?token=one-more-wrong-guess')).status).toBe(401);
  });

  it('trades the token for an HttpOnly SameSite=Strict cookie and drops it from the URL', async () => {
    const s = await start();
    expect(s.loginUrl).toBe(`${s.origin.href}?token=${token}`);
    const login = await get(`/?token=${token}&view=list`);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/?view=list');
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toContain(`shoal_session=${token}`);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const page = await get('/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Shoal</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const script = await get('/assets/app.js', { cookie });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('sends a strict CSP on every response', async () => {
    const s = await start();
    for (const reply of [await get('/'), await get('/', { cookie })]) {
      const csp = String(reply.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain(`connect-src 'self' ws://${s.origin.host}`);
      expect(csp).toContain("img-src 'self' data: blob:");
      expect(csp).not.toContain('unsafe');
    }
  });

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00', '/%E0%A4%A'])(
    'refuses the traversal %s',
    async (path) => {
      await start();
      const reply = await get(path, { cookie });
      expect(reply.status).toBe(404);
      expect(reply.body).not.toContain('TOP-SECRET');
    },
  );

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    await start();
    expect((await get('/', { cookie, host: `evil.example:${server!.origin.port}` })).status).toBe(400);
    expect((await get('/', { cookie, host: `127.0.0.1:${server!.origin.port}"; script-src *` })).status).toBe(400);
  });

  it('answers to localhost too, pointing the CSP at the name the browser used', async () => {
    await start();
    const host = `localhost:${server!.origin.port}`;
    const page = await get('/', { cookie, host });
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain(`connect-src 'self' ws://${host}`);
  });

  it('reports a port in use in one sentence', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => blocker.close());
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const failure = startServeServer({ host: '127.0.0.1', port, token, rendererDir, engine: createFakeEngine() });
    await expect(failure).rejects.toMatchObject({ code: 'port-in-use', message: `port ${port} is already in use` });
  });
});

describe('shoal serve over WebSocket', { timeout: 10_000 }, () => {
  it('refuses an upgrade without the token, and one from another origin', async () => {
    await start();
    expect(await upgradeStatus(rawSocket({}))).toBe(401);
    expect(await upgradeStatus(rawSocket({ cookie }, 'http://evil.example'))).toBe(403);
    expect(await upgradeStatus(rawSocket({ cookie }))).toBe(101);
  });

  it('refuses a mismatched protocol version at hello and closes', async () => {
    await start();
    const ws = rawSocket({ cookie });
    await new Promise((resolve) => ws.on('open', resolve));
    const reply = new Promise<unknown>((resolve) => ws.once('message', (data: Buffer) => resolve(decode(data))));
    const closed = new Promise<number>((resolve) => ws.on('close', resolve));
    ws.send(encodeFrame({ type: 'request', id: 1, name: 'hello', input: { protocolVersion: PROTOCOL_VERSION + 1 } }));
    expect(await reply).toMatchObject({ type: 'error', id: 1, error: { code: 'protocol', message: expect.stringContaining('protocol') } });
    expect(await closed).toBe(4001);
  });

  it('refuses anything before hello, and text frames', async () => {
    await start();
    const early = rawSocket({ cookie });
    await new Promise((resolve) => early.on('open', resolve));
    const earlyClosed = new Promise<number>((resolve) => early.on('close', resolve));
    early.send(encodeFrame({ type: 'request', id: 1, name: 'getSettings', input: {} }));
    expect(await earlyClosed).toBe(4002);
    const text = rawSocket({ cookie });
    await new Promise((resolve) => text.on('open', resolve));
    const textClosed = new Promise<number>((resolve) => text.on('close', resolve));
    text.send('{"type":"request"}');
    expect(await textClosed).toBe(4003);
    expect(engine.calls).toEqual([]);
  });

  it('refuses a 20 MiB frame of nested arrays, before and after hello, without the memory it would take', async () => {
    await start();
    // Another process sends, so this one's memory is the server's alone.
    const sender = `
      const { WebSocket } = require('ws');
      const { encode } = require('@msgpack/msgpack');
      // 20 MiB of one-element arrays, each inside the last: a depth no message of ours comes near.
      const nested = Buffer.alloc(20 * 1024 * 1024, 0x91);
      nested[nested.length - 1] = 0xc0;
      const ws = new WebSocket(process.env.URL, { headers: { cookie: process.env.COOKIE }, origin: process.env.ORIGIN });
      ws.on('open', () => {
        if (process.env.GREET !== '1') return process.stdout.write('go\\n', () => ws.send(nested));
        ws.send(encode({ type: 'request', id: 1, name: 'hello', input: { protocolVersion: Number(process.env.VERSION) } }));
        ws.once('message', () => process.stdout.write('go\\n', () => ws.send(nested)));
      });
      ws.on('close', (code) => { process.stdout.write(code + '\\n'); process.exit(0); });
    `;
    for (const greet of ['0', '1']) {
      const env = { ...process.env, URL: wsUrl(), COOKIE: cookie, ORIGIN: ownOrigin(), GREET: greet, VERSION: String(PROTOCOL_VERSION) };
      const child = spawn(process.execPath, ['-e', sender], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      cleanups.push(() => child.kill());
      let out = '';
      let before = 0;
      let peak = 0;
      let sampler: NodeJS.Timeout | undefined;
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (sampler === undefined && out.includes('go')) {
          before = peak = process.memoryUsage().rss;
          sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
        }
      });
      await new Promise((resolve) => child.on('exit', resolve));
      clearInterval(sampler);
      expect(out.trim().split('\n')).toEqual(['go', greet === '1' ? '4003' : '4002']);
      expect(peak - before).toBeLessThan(50 * 1024 * 1024);
    }
  });

  it('round-trips commands and pushes events to the browser client', async () => {
    await start();
    const c = client();
    const lists: EventPayload<'torrents'>[] = [];
    const gotTwo = new Promise<void>((resolve) =>
      c.on('torrents', (t) => {
        lists.push(t);
        if (lists.length === 2) resolve();
      }),
    );
    const data = new Uint8Array([100, 101]);
    await expect(c.invoke('addTorrent', { source: { kind: 'torrent', data } })).resolves.toEqual({ infoHash: fakeHash, name: 'fixture' });
    expect(engine.calls[0]).toEqual(['addTorrent', { source: { kind: 'torrent', data: expect.any(Uint8Array) } }]);
    expect(Array.from((engine.calls[0]![1] as { source: { data: Uint8Array } }).source.data)).toEqual([100, 101]);
    expect(c.status.state).toBe('open');
    await expect(c.invoke('addTorrent', { source: { kind: 'torrent', data: new Uint8Array(1) } })).rejects.toMatchObject({
      code: 'invalid-torrent',
      message: 'this file is not a torrent',
    });
    await expect(c.invoke('pause', { infoHashes: ['zz'] })).rejects.toMatchObject({ code: 'invalid-input' });
    engine.emit({ name: 'torrents', payload: { full: false, changed: [fakeSummary({ progress: 0.75 })], removed: [] } });
    await gotTwo;
    expect(lists[0]).toMatchObject({ full: true, changed: [{ infoHash: fakeHash, progress: 0.25 }] });
    expect(lists[1]).toMatchObject({ full: false, changed: [{ progress: 0.75 }] });
  });

  it('sends detail events only to the subscribed client', async () => {
    await start();
    const a = client();
    const b = client();
    const seenByB: unknown[] = [];
    b.on('detail', (d) => seenByB.push(d));
    await b.invoke('getSettings', {});
    await a.invoke('subscribe', { infoHash: fakeHash, tab: 'pieces' });
    const got = new Promise<EventPayload<'detail'>>((resolve) => a.on('detail', resolve));
    const pieces = { pieceCount: 9, have: new Uint8Array([0xff, 0x80]), downloading: new Uint8Array(2), availability: new Uint8Array(9).fill(3) };
    engine.emit({ name: 'detail', payload: { infoHash: fakeHash, pieces } });
    const detail = await got;
    expect(Array.from(detail.pieces!.have)).toEqual([0xff, 0x80]);
    expect(detail.pieces!.availability).toBeInstanceOf(Uint8Array);
    await b.invoke('getSettings', {});
    expect(seenByB).toEqual([]);
  });

  it('reconnects after the server drops it and greets a new server with a full list', async () => {
    const s = await start();
    const c = client();
    await c.invoke('getSettings', {});
    const port = Number(s.origin.port);
    await s.close();
    engine = createFakeEngine([fakeSummary({ name: 'after restart' })]);
    server = await startServeServer({ host: '127.0.0.1', port, token, rendererDir, engine });
    const full = await new Promise<EventPayload<'torrents'>>((resolve) => c.on('torrents', resolve));
    expect(full).toMatchObject({ full: true, changed: [{ name: 'after restart' }] });
    await expect(c.invoke('getSettings', {})).resolves.toMatchObject({ theme: 'system' });
  });

  it('closes a connection that sends a frame over the size limit', async () => {
    await start({ maxPayload: 1024 });
    const c = client();
    await c.invoke('getSettings', {});
    const big = c.invoke('inspectTorrent', { data: new Uint8Array(4096) });
    await expect(big).rejects.toMatchObject({ code: 'network' });
    expect(engine.calls.map(([name]) => name)).toEqual(['getSettings']);
  });

  it('refuses commands beyond the in-flight limit instead of queueing them', async () => {
    await start({ maxInFlight: 2 });
    const stalls: (() => void)[] = [];
    engine.pause = () => new Promise((resolve) => stalls.push(() => resolve({})));
    const c = client();
    await c.invoke('getSettings', {});
    const first = c.invoke('pause', { infoHashes: [] });
    const second = c.invoke('pause', { infoHashes: [] });
    await expect(c.invoke('pause', { infoHashes: [] })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('too many commands') });
    stalls.forEach((release) => release());
    await expect(Promise.all([first, second])).resolves.toEqual([{}, {}]);
    await expect(c.invoke('getSettings', {})).resolves.toMatchObject({ theme: 'system' });
  });

  it('drops a client that stops reading instead of buffering for it without bound', async () => {
    await start({ maxBufferedBytes: 64 * 1024 });
    const ws = rawSocket({ cookie });
    await new Promise((resolve) => ws.on('open', resolve));
    const closed = new Promise<number>((resolve) => ws.on('close', resolve));
    ws.send(encodeFrame({ type: 'request', id: 1, name: 'hello', input: { protocolVersion: PROTOCOL_VERSION } }));
    await new Promise((resolve) => ws.once('message', resolve));
    ws.pause();
    const rows = Array.from({ length: 200 }, (_, i) => fakeSummary({ infoHash: i.toString(16).padStart(40, '0'), name: `torrent ${i}` }));
    for (let i = 0; i < 300; i++) engine.emit({ name: 'torrents', payload: { full: false, changed: rows, removed: [] } });
    ws.resume();
    expect(await closed).toBe(4004);
  });
});
