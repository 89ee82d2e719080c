import type { IncomingMessage, ServerResponse } from 'node:http';
import { isShoalError, type ErrorCode } from '../../src-shared/errors';
import type { StreamFile, StreamSource, StreamTarget } from '../engine/stream/stream-source';
import { parseRange } from './http-range';

export interface StreamResponseOptions {
  /** Headers every answer carries (the server's security headers). */
  readonly headers: Readonly<Record<string, string>>;
  /** A client that reads nothing for this long is cut off. Default 30 s. */
  readonly idleMs?: number;
}

/** Bytes asked of the engine per read: what one response holds in flight, beside the socket's buffer. */
const CHUNK = 256 * 1024;

const statusOf: Partial<Record<ErrorCode, number>> = { 'not-found': 404, 'invalid-input': 400, network: 503 };

/**
 * Answers one request for a torrent's file (RFC 9110 ranges, HEAD, GET): the status line waits
 * for the first bytes to be verified, so a failure before them is a status code; after them, a
 * failure closes the connection. Bytes are pulled from the engine one chunk at a time and only
 * when the socket has taken the previous one, so a client that stops reading holds one chunk
 * and is dropped after `idleMs`.
 */
export async function sendStream(source: StreamSource, target: StreamTarget, request: IncomingMessage, response: ServerResponse, options: StreamResponseOptions): Promise<void> {
  const plain = { ...options.headers, 'Content-Type': 'text/plain; charset=utf-8' };
  let file: StreamFile;
  try {
    file = await source.open(target);
  } catch (err) {
    sendError(response, plain, err);
    return;
  }
  const closed = new AbortController();
  response.once('close', () => closed.abort());
  try {
    await respond(source, file, request, response, options, closed.signal, plain);
  } finally {
    source.close(file.handle);
  }
}

async function respond(
  source: StreamSource,
  file: StreamFile,
  request: IncomingMessage,
  response: ServerResponse,
  options: StreamResponseOptions,
  signal: AbortSignal,
  plain: Record<string, string>,
): Promise<void> {
  const range = parseRange(request.headers.range, file.length);
  const base = { ...options.headers, 'Content-Type': file.mimeType, 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store' };
  if (range.kind === 'unsatisfiable') {
    response.writeHead(416, { ...plain, 'Content-Range': `bytes */${file.length}` }).end('range not satisfiable\n');
    return;
  }
  const start = range.kind === 'range' ? range.start : 0;
  const end = range.kind === 'range' ? range.end : file.length - 1;
  const headers = {
    ...base,
    'Content-Length': String(end - start + 1),
    ...(range.kind === 'range' ? { 'Content-Range': `bytes ${start}-${end}/${file.length}` } : {}),
  };
  const status = range.kind === 'range' ? 206 : 200;
  if (request.method === 'HEAD' || file.length === 0) {
    response.writeHead(status, headers).end();
    return;
  }
  let at = start;
  try {
    while (at <= end) {
      const bytes = await source.read(file.handle, at, Math.min(CHUNK, end - at + 1), signal);
      if (signal.aborted) return;
      if (!response.headersSent) response.writeHead(status, headers);
      at += bytes.length;
      if (!response.write(bytes)) await drained(response, options.idleMs ?? 30_000);
    }
    response.end();
  } catch (err) {
    if (!response.headersSent && !signal.aborted) sendError(response, plain, err);
    else response.destroy();
  }
}

function sendError(response: ServerResponse, plain: Record<string, string>, err: unknown): void {
  const status = (isShoalError(err) && statusOf[err.code]) || 500;
  const message = isShoalError(err) ? err.message : 'the stream failed';
  response.writeHead(status, { ...plain, ...(status === 503 ? { 'Retry-After': '5' } : {}) }).end(`${message}\n`);
}

/** Resolves when the socket wants more; rejects when the client is gone or has not read for `idleMs`. */
function drained(response: ServerResponse, idleMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      clearTimeout(timer);
      response.off('drain', onDrain);
      response.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new Error('the client went away'));
    const timer = setTimeout(() => done(new Error(`the client read nothing for ${idleMs / 1000} s`)), idleMs);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}
