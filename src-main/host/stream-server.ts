import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ShoalError } from '../../src-shared/errors';
import type { StreamSource } from '../engine/stream/stream-source';
import { sendStream } from './stream-response';

export interface StreamServer {
  /** http://127.0.0.1:port */
  readonly origin: string;
  /** The address of a capability path (as `streamFile` answers) on this server. */
  urlOf(path: string): string;
  close(): Promise<void>;
}

/** A capability path: /stream/cap/<key>[/<file name>]. */
const CAPABILITY_PATH = /^\/stream\/cap\/([A-Za-z0-9_-]{1,100})(?:\/[^/]*)?$/;

/** The capability a request's path carries, or null. */
export function capabilityOf(pathname: string): string | null {
  return CAPABILITY_PATH.exec(pathname)?.[1] ?? null;
}

/**
 * Streams on 127.0.0.1 for players outside the page (the app's window, mpv, VLC, `shoal stream`):
 * capability addresses only, so nothing but this machine reaches it and nothing is served without
 * an unguessable key. A Host other than this address is refused (DNS rebinding).
 */
export async function startStreamServer(streams: StreamSource, port = 0): Promise<StreamServer> {
  const server = createServer();
  server.headersTimeout = 10_000;
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new ShoalError('port-in-use', `port ${port} is already in use`) : err));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
  const origin = `http://127.0.0.1:${bound}`;
  const plain = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const key = request.headers.host === `127.0.0.1:${bound}` ? capabilityOf(new URL(request.url ?? '/', origin).pathname) : null;
    if (key === null) {
      response.writeHead(404, plain).end('not found\n');
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...plain, Allow: 'GET, HEAD' }).end('method not allowed\n');
    } else {
      void sendStream(streams, { capability: key }, request, response, { headers: { 'X-Content-Type-Options': 'nosniff' } }).catch(() => response.destroy());
    }
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return {
    origin,
    urlOf: (path) => new URL(path, origin).href,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
