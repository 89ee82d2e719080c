import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, writeForever, type TestHttpServer } from '../../testing/http-server';
import { fetchRange } from './range-fetch';

// Hostile web seeds: each is cut off with a sentence, and never more bytes than asked reach us.

let server: TestHttpServer | undefined;
const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 2 }), https: new https.Agent({ keepAlive: true, maxSockets: 2 }) };

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = await startHttpServer(handler);
  return server.origin;
}

/** Fetches bytes 1000-1999 of `url`; what reached `onData` is counted. */
async function fetch1000(url: string, idleTimeoutMs = 5000): Promise<{ error: unknown; received: number; ms: number }> {
  let received = 0;
  const started = Date.now();
  const error = await fetchRange({
    url: new URL(url),
    start: 1000,
    length: 1000,
    agents,
    signal: new AbortController().signal,
    idleTimeoutMs,
    maxRedirects: 5,
    onData: (chunk) => (received += chunk.length),
  }).then(
    () => undefined,
    (err: unknown) => err,
  );
  return { error, received, ms: Date.now() - started };
}

const rangeHead = { 'content-range': 'bytes 1000-1999/100000' };

describe('fetchRange against hostile servers', () => {
  it('takes a well-formed answer, after a relative redirect', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/old') {
        res.writeHead(302, { location: '/new' }).end();
        return;
      }
      res.writeHead(206, { ...rangeHead, 'content-length': 1000 }).end(Buffer.alloc(1000, 7));
    });
    const got = await fetch1000(`${base}/old`);
    expect(got.error).toBeUndefined();
    expect(got.received).toBe(1000);
  });

  it('an endless body is cut off at the bytes asked for', async () => {
    let closed = false;
    const base = await serve((_req, res) => {
      res.writeHead(206, rangeHead); // chunked, no length
      writeForever(res, () => (closed = true));
    });
    const got = await fetch1000(`${base}/endless`);
    expect(String(got.error)).toContain('sent more than the 1000 bytes asked for');
    expect(got.received).toBeLessThanOrEqual(1000);
    await expect.poll(() => closed, { timeout: 5000 }).toBe(true);
  });

  it('an oversized body (more than asked, then the end) is refused', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(206, rangeHead);
      res.end(Buffer.alloc(1500, 2));
    });
    const got = await fetch1000(`${base}/big`);
    expect(String(got.error)).toContain('sent more than the 1000 bytes asked for');
    expect(got.received).toBeLessThanOrEqual(1000);
  });

  it('a huge declared length is refused before the body is read', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(206, { ...rangeHead, 'content-length': 1_000_000_000 });
      res.write(Buffer.alloc(1000));
    });
    const got = await fetch1000(`${base}/huge`);
    expect(String(got.error)).toContain('declared 1000000000 bytes for a range of 1000');
    expect(got.received).toBe(0);
  });

  it('a short body is refused', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(206, rangeHead);
      res.end(Buffer.alloc(10));
    });
    expect(String((await fetch1000(`${base}/short`)).error)).toContain('ended after 10 of 1000 bytes');
  });

  it('a wrong range, and a 200 with the whole file, are refused before the body is read', async () => {
    let mode: 'wrong' | 'whole' = 'wrong';
    const base = await serve((_req, res) => {
      if (mode === 'wrong') res.writeHead(206, { 'content-range': 'bytes 0-999/100000' }).end(Buffer.alloc(1000));
      else res.writeHead(200, { 'content-length': 100000 }).end(Buffer.alloc(100000));
    });
    const wrong = await fetch1000(`${base}/x`);
    expect(String(wrong.error)).toContain('sent bytes 0-999 when asked for 1000-1999');
    expect(wrong.received).toBe(0);
    mode = 'whole';
    const whole = await fetch1000(`${base}/x`);
    expect(String(whole.error)).toContain('answered 200 (the whole file) to a range request');
    expect(whole.received).toBe(0);
  });

  it('a redirect to file:///etc/passwd is refused', async () => {
    const base = await serve((_req, res) => res.writeHead(301, { location: 'file:///etc/passwd' }).end());
    const got = await fetch1000(`${base}/x`);
    expect(String(got.error)).toContain('redirected to a file: URL, which is refused');
    expect(got.received).toBe(0);
  });

  it('a redirect loop stops after 5 redirects', async () => {
    let requests = 0;
    const base = await serve((_req, res) => {
      requests++;
      res.writeHead(302, { location: '/loop' }).end();
    });
    const got = await fetch1000(`${base}/loop`);
    expect(String(got.error)).toContain('more than 5 redirects');
    expect(requests).toBe(6);
  });

  it('a server that goes silent mid-body times out', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(206, rangeHead);
      res.write(Buffer.alloc(10));
    });
    const got = await fetch1000(`${base}/stalls`, 500);
    expect(String(got.error)).toContain('sent nothing for 1 s');
    expect(got.received).toBe(10);
  });

  it('a server that says nothing times out', async () => {
    const base = await serve(() => undefined);
    const got = await fetch1000(`${base}/silent`, 500);
    expect(String(got.error)).toContain('sent nothing for 1 s');
    expect(got.ms).toBeLessThan(5000);
  });
});

describe('fetchRange under a speed limit', () => {
  it('stops reading while the gate is shut, without timing out, and goes on once it opens', async () => {
    const base = await serve((_req, res) => res.writeHead(206, { 'content-range': 'bytes 0-999999/1000000' }).end(Buffer.alloc(1_000_000, 3)));
    let received = 0;
    let resume: (() => void) | undefined;
    const gate = {
      consume: () => false, // every chunk shuts it
      wait: (r: () => void) => (resume = r),
      cancel: () => undefined,
    };
    const done = fetchRange({ url: new URL(`${base}/x`), start: 0, length: 1_000_000, agents, signal: new AbortController().signal, idleTimeoutMs: 200, maxRedirects: 5, gate, onData: (c) => (received += c.length) });
    await expect.poll(() => resume, { timeout: 5000 }).toBeDefined();
    const before = received;
    // Longer than the idle timeout: waiting on our own limit does not count as the server's silence.
    await new Promise((r) => setTimeout(r, 600));
    expect(received).toBe(before);
    expect(before).toBeLessThan(1_000_000);
    // Open for good: the rest flows.
    gate.consume = () => true;
    resume!();
    await done;
    expect(received).toBe(1_000_000);
  });
});
