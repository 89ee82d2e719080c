import { createServer, type Server } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import { ShoalError } from '../../src-shared/errors';
import { ConnectionIds } from './connection-ids';
import { handleHttp, type HttpTrackerConfig } from './http-handler';
import { ipBytes } from '../engine/net/ip-bytes';
import { SwarmStore } from './swarm-store';
import { ReplyBuffer } from './reply-buffer';
import { handleUdp, udpReplyCapacity, type UdpTrackerConfig } from './udp-handler';

export interface Endpoint {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

export interface TrackerServerOptions {
  /** Where to serve HTTP; `null` turns HTTP off. */
  readonly http: Endpoint | null;
  /** Where to serve UDP (BEP 15); `null` turns UDP off. */
  readonly udp: Endpoint | null;
  /** Announce interval told to clients, in seconds (default 1800). */
  readonly interval?: number;
  /** `min interval` told to clients, in seconds (default: the smaller of 60 and `interval`). */
  readonly minInterval?: number;
  /** Peers per announce reply at most (default 50). */
  readonly maxNumwant?: number;
  /** Lowercase hex info-hashes; when given, every other torrent is refused. */
  readonly allow?: ReadonlySet<string>;
  /**
   * Memory caps. Defaults: 10,000 torrents, 10,000 peers per torrent, 100,000 peers in all, which
   * is about 30 MiB when full (a torrent costs about 0.8 KiB, a peer about 0.2 KiB).
   */
  readonly maxSwarms?: number;
  readonly maxPeersPerSwarm?: number;
  readonly maxPeers?: number;
  /** Length of a UDP connection id's time window (default 60 s; ids live one to two windows). */
  readonly connectionWindowMs?: number;
}

export interface TrackerServer {
  /** 0 when HTTP is off. */
  readonly httpPort: number;
  /** 0 when UDP is off. */
  readonly udpPort: number;
  readonly store: SwarmStore;
  close(): Promise<void>;
}

/** Starts the HTTP and/or UDP tracker; fails with a `port-in-use` ShoalError when a port is taken. */
export async function startTrackerServer(options: TrackerServerOptions): Promise<TrackerServer> {
  const interval = options.interval ?? 1800;
  if (!Number.isInteger(interval) || interval < 1) throw new ShoalError('invalid-input', 'The announce interval must be a whole number of seconds, at least 1.');
  const minInterval = options.minInterval ?? Math.min(60, interval);
  const maxNumwant = options.maxNumwant ?? 50;
  const store = new SwarmStore(
    {
      maxSwarms: options.maxSwarms ?? 10_000,
      maxPeersPerSwarm: options.maxPeersPerSwarm ?? 10_000,
      maxPeers: options.maxPeers ?? 100_000,
      // Two missed announces (plus slack for slow clients) and a peer is gone.
      peerTimeoutMs: (2 * interval + Math.min(interval, 60)) * 1000,
    },
    options.allow,
  );
  const now = Date.now;

  let http: Server | undefined;
  let udp: Socket | undefined;
  try {
    if (options.http) {
      const config: HttpTrackerConfig = { store, interval, minInterval, maxNumwant, maxScrape: 1000, now };
      http = createServer({ maxHeaderSize: 8192, requestTimeout: 10_000, headersTimeout: 10_000, keepAliveTimeout: 30_000 }, (req, res) =>
        handleHttp(config, req, res),
      );
      http.maxConnections = 10_000;
      await listenHttp(http, options.http);
    }
    if (options.udp) {
      const config: UdpTrackerConfig = { store, ids: new ConnectionIds(options.connectionWindowMs), interval, maxNumwant, now };
      udp = await bindUdp(options.udp);
      const socket = udp;
      const replies = new ReplyBuffer(udpReplyCapacity(maxNumwant));
      // Address text → bytes, remembered (bounded): the same clients announce again and again.
      const addresses = new Map<string, Buffer | undefined>();
      socket.on('message', (packet, rinfo) => {
        let ip = addresses.get(rinfo.address);
        if (ip === undefined) {
          ip = ipBytes(rinfo.address);
          if (addresses.size >= 65_536) addresses.clear();
          addresses.set(rinfo.address, ip);
        }
        if (!ip) return;
        const length = handleUdp(config, packet, ip, replies.buffer);
        if (length > 0) replies.send(socket, length, rinfo.port, rinfo.address);
      });
      // A send to a vanished client is its problem, not the tracker's.
      socket.on('error', () => undefined);
    }
  } catch (err) {
    http?.close();
    udp?.close();
    throw err;
  }

  const sweeper = setInterval(() => store.sweep(now()), Math.min(interval * 250, 60_000));
  sweeper.unref();

  const httpPort = http ? portOf(http.address()) : 0;
  const udpPort = udp ? udp.address().port : 0;
  return {
    httpPort,
    udpPort,
    store,
    async close() {
      clearInterval(sweeper);
      await Promise.all([
        http &&
          new Promise<void>((resolve) => {
            http.close(() => resolve());
            http.closeAllConnections();
          }),
        udp && new Promise<void>((resolve) => udp.close(() => resolve())),
      ]);
    },
  };
}

function portOf(address: ReturnType<Server['address']>): number {
  return typeof address === 'object' && address !== null ? address.port : 0;
}

function listenError(err: NodeJS.ErrnoException, where: Endpoint, kind: string): ShoalError {
  if (err.code === 'EADDRINUSE') return new ShoalError('port-in-use', `port ${where.port} is already in use`);
  if (err.code === 'EACCES') return new ShoalError('permission-denied', `No permission to listen on ${kind} port ${where.port}.`);
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') return new ShoalError('invalid-input', `${where.host} is not an address of this machine.`);
  return new ShoalError('network', `Cannot listen on ${kind} ${where.host}:${where.port} (${err.code ?? err.message}).`);
}

function listenHttp(server: Server, where: Endpoint): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(listenError(err, where, 'HTTP')));
    server.listen({ host: where.host, port: where.port }, () => resolve());
  });
}

function bindUdp(where: Endpoint): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // Replies go to the address a datagram came from, always an IP: no resolver round (and no
    // tick of the event loop) before each send.
    const socket = createSocket({ type: where.host.includes(':') ? 'udp6' : 'udp4', lookup: (address, _options, callback) => callback(null, address, address.includes(':') ? 6 : 4) });
    socket.once('error', (err) => {
      socket.close();
      reject(listenError(err, where, 'UDP'));
    });
    socket.bind({ address: where.host, port: where.port }, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
