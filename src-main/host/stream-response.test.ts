import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ShoalError } from '../../src-shared/errors';
import type { StreamSource } from '../engine/stream/stream-source';
import { sendStream } from './stream-response';

/** A file of `length` bytes (byte i is i mod 251) read from memory; `failAfter` reads, reads fail as if the torrent went away. */
function memorySource(length: number, failAfter = Infinity) {
  const state = { reads: 0, bytesRead: 0, open: 0, closed: 0 };
  const source: StreamSource = {
    async open(target) {
      if ('capability' in target) throw new ShoalError('not-found', 'this stream address is not valid');
      state.open++;
      return { handle: 1, name: 'clip.webm', length, mimeType: 'video/webm' };
    },
    async read(_handle, offset, len) {
      if (++state.reads > failAfter) throw new ShoalError('not-found', 'the stream was closed (its torrent may have been removed)');
      const bytes = new Uint8Array(Math.min(len, length - offset));
      for (let i = 0; i < bytes.length; i++) bytes[i] = (offset + i) % 251;
      state.bytesRead += bytes.length;
      return bytes;
    },
    close() {
      state.closed++;
    },
  };
  return { source, state };
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(source: StreamSource, idleMs = 30_000): Promise<number> {
  server = createServer((req, res) => void sendStream(source, req.url === '/cap' ? { capability: 'x' } : { infoHash: 'a'.repeat(40), fileIndex: 0 }, req, res, { headers: { 'X-Test': '1' }, idleMs }));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; complete: boolean }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete }));
    });
    req.on('error', reject);
    req.end();
  });
}

const expected = (from: number, to: number) => Buffer.from(Array.from({ length: to - from + 1 }, (_, i) => (from + i) % 251));

describe('sendStream', () => {
  it('answers ranges with 206 and Content-Range, the whole file with 200, HEAD with headers only', async () => {
    const { source, state } = memorySource(1_000_000);
    const port = await serve(source);
    const ranged = await get(port, '/', { Range: 'bytes=999000-' });
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-range']).toBe('bytes 999000-999999/1000000');
    expect(ranged.headers['content-length']).toBe('1000');
    expect(ranged.headers['content-type']).toBe('video/webm');
    expect(ranged.headers['accept-ranges']).toBe('bytes');
    expect(ranged.headers['x-test']).toBe('1');
    expect(ranged.body.equals(expected(999000, 999999))).toBe(true);
    const suffix = await get(port, '/', { Range: 'bytes=-7' });
    expect([suffix.status, suffix.body.equals(expected(999993, 999999))]).toEqual([206, true]);
    const whole = await get(port, '/', { Range: 'bytes=0-1,5-9' });
    expect([whole.status, whole.headers['content-length'], whole.body.equals(expected(0, 999999))]).toEqual([200, '1000000', true]);
    const head = await get(port, '/', { Range: 'bytes=10-19' }, 'HEAD');
    expect([head.status, head.headers['content-range'], head.body.length]).toEqual([206, 'bytes 10-19/1000000', 0]);
    const beyond = await get(port, '/', { Range: 'bytes=1000000-' });
    expect([beyond.status, beyond.headers['content-range']]).toEqual([416, 'bytes */1000000']);
    // Every file opened was closed again.
    expect(state.closed).toBe(state.open);
  });

  it('answers a stream that cannot be opened with its status, and ends a stream that fails midway by closing the connection', async () => {
    const { source, state } = memorySource(10_000_000, 3);
    const port = await serve(source);
    const missing = await get(port, '/cap');
    expect([missing.status, missing.body.toString()]).toEqual([404, 'this stream address is not valid\n']);
    const cut = await get(port, '/');
    expect(cut.status).toBe(200);
    expect(cut.complete).toBe(false);
    expect(cut.body.length).toBeLessThan(10_000_000);
    expect(state.closed).toBe(state.open);
  });

  it('drops a client that never reads, having read only about what the sockets hold', async () => {
    const { source, state } = memorySource(4 * 1024 * 1024 * 1024);
    const port = await serve(source, 500);
    const socket = connect(port, '127.0.0.1');
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    socket.pause();
    const start = Date.now();
    while (state.closed === 0 && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    expect(state.closed).toBe(1);
    // Kernel buffers on loopback take some MiB; nothing near the 4 GiB file is held.
    expect(state.bytesRead).toBeLessThan(64 * 1024 * 1024);
  });
});
