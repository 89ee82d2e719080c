import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ShoalError } from '../../src-shared/errors';
import type { EngineApi, ShoalEvent } from '../../src-shared/contract';
import { createWsRelay, type WsRelayOptions } from '../transport/ws-relay';
import { cookieValue, credentialOf, sessionCookie, sessionCookieName, type Credential } from './auth';
import { LoginBackoff } from './login-backoff';
import { securityHeaders } from './security-headers';
import { sendStaticFile } from './static-files';
import type { StreamSource, StreamTarget } from '../engine/stream/stream-source';
import { sendStream } from '../host/stream-response';
import { capabilityOf } from '../host/stream-server';

export interface ServeServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  token: string;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  engine: EngineApi;
  /** The engine's files, streamed at /stream/<infoHash>/<fileIndex> (behind the token) and at capability addresses. */
  streams?: StreamSource;
  relay?: WsRelayOptions;
}

export interface ServeServer {
  /** http://host:port/ */
  readonly origin: URL;
  /** The address to open once: it carries the token, which the server trades for a cookie. */
  readonly loginUrl: string;
  /** Pushes an event of the server's own to every connected browser. */
  publish(event: ShoalEvent): void;
  close(): Promise<void>;
}

const loopbackNames = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The web front of `shoal serve`: the built UI over HTTP and the engine over a WebSocket at
 * /ws, both behind the token (as a query parameter once, then an HttpOnly cookie).
 */
export async function startServeServer(options: ServeServerOptions): Promise<ServeServer> {
  const server = createServer();
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const port = await listen(server, options.host, options.port);
  const relay = createWsRelay(options.engine, options.relay);
  const origin = new URL(`http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/`);
  const loopback = loopbackNames.has(origin.hostname);
  // A wildcard address is not one a browser can open; this machine's loopback is.
  const wildcard = options.host === '0.0.0.0' || options.host === '::';
  const loginOrigin = wildcard ? new URL(`http://127.0.0.1:${port}/`) : origin;

  // A page on another site that resolves its name to 127.0.0.1 (DNS rebinding) sends its own Host.
  const hostAllowed = (host: string | undefined): host is string =>
    host !== undefined &&
    /^[A-Za-z0-9.:[\]-]{1,300}$/.test(host) &&
    (!loopback || [...loopbackNames].some((name) => host === `${name}:${port}`));

  // Guessing a weak --token is slowed per address; while one waits, its tokens are not even checked.
  const backoff = new LoginBackoff();
  const authorize = (request: IncomingMessage, url: URL): Credential | { waitMs: number } => {
    const address = request.socket.remoteAddress ?? '';
    const waitMs = backoff.waitMs(address, Date.now());
    if (waitMs > 0) return { waitMs };
    const credential = credentialOf(request, url, options.token);
    if (credential) backoff.succeeded(address);
    else if (url.searchParams.has('token') || cookieValue(request.headers.cookie, sessionCookieName) !== null) backoff.failed(address, Date.now());
    return credential;
  };
  const retryAfter = (waitMs: number): string => String(Math.ceil(waitMs / 1000));

  const requestUrl = (request: IncomingMessage): URL | null => {
    try {
      return new URL(request.url ?? '/', origin);
    } catch {
      return null;
    }
  };

  const handleRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const url = requestUrl(request);
    const host = request.headers.host;
    if (!url || !hostAllowed(host)) {
      response.writeHead(400, { ...securityHeaders(origin.host), 'Content-Type': 'text/plain; charset=utf-8' }).end('bad request\n');
      return;
    }
    // The page may have been opened under any name this server answers to; its socket goes there too.
    const headers = securityHeaders(host);
    const plain = { ...headers, 'Content-Type': 'text/plain; charset=utf-8' };
    // A capability address is its own credential: external players carry no cookie.
    const capability = capabilityOf(url.pathname);
    if (capability !== null) return stream(request, response, { capability }, headers);
    const credential = authorize(request, url);
    if (credential !== null && typeof credential === 'object') {
      response.writeHead(429, { ...plain, 'Retry-After': retryAfter(credential.waitMs) }).end('too many wrong tokens: wait before trying again\n');
      return;
    }
    if (!credential) {
      response.writeHead(401, plain).end('unauthorized: open the address printed by shoal serve, which carries the token\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...plain, Allow: 'GET, HEAD' }).end('method not allowed\n');
      return;
    }
    if (credential === 'query') {
      // Trade the token for a cookie and take it out of the address bar and history.
      url.searchParams.delete('token');
      response.writeHead(303, { ...headers, 'Set-Cookie': sessionCookie(options.token), Location: `${url.pathname}${url.search}` }).end();
      return;
    }
    const named = /^\/stream\/([0-9a-f]{40})\/(\d{1,7})$/.exec(url.pathname);
    if (named) return stream(request, response, { infoHash: named[1]!, fileIndex: Number(named[2]) }, headers);
    void sendStaticFile(options.rendererDir, url.pathname, request.method, response, headers).catch(() => response.destroy());
  };

  const stream = (request: IncomingMessage, response: ServerResponse, target: StreamTarget, headers: Record<string, string>): void => {
    const plain = { ...headers, 'Content-Type': 'text/plain; charset=utf-8' };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...plain, Allow: 'GET, HEAD' }).end('method not allowed\n');
    } else if (!options.streams) {
      response.writeHead(404, plain).end('this server streams no files\n');
    } else {
      void sendStream(options.streams, target, request, response, { headers }).catch(() => response.destroy());
    }
  };

  const handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = requestUrl(request);
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!url || url.pathname !== '/ws' || !hostAllowed(request.headers.host)) return refuse('404 Not Found');
    const credential = authorize(request, url);
    if (credential !== null && typeof credential === 'object') return refuse(`429 Too Many Requests\r\nRetry-After: ${retryAfter(credential.waitMs)}`);
    if (!credential) return refuse('401 Unauthorized');
    if (request.headers.origin !== `http://${request.headers.host}`) return refuse('403 Forbidden');
    relay.handleUpgrade(request, socket, head);
  };

  server.on('request', handleRequest);
  server.on('upgrade', handleUpgrade);
  server.on('clientError', (_err, socket) => socket.destroy());

  return {
    origin,
    loginUrl: `${loginOrigin.href}?token=${options.token}`,
    publish: (event) => relay.publish(event),
    close: () =>
      new Promise<void>((resolve) => {
        relay.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, host, port)));
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (err.code) {
    case 'EADDRINUSE':
      return new ShoalError('port-in-use', `port ${port} is already in use`);
    case 'EACCES':
      return new ShoalError('permission-denied', `not allowed to listen on port ${port}`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ShoalError('invalid-input', `cannot listen on ${host}: it is not an address of this machine`);
    default:
      return err;
  }
}
