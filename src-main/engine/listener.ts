import { createServer, type Server } from 'node:net';
import { ShoalError } from '../../src-shared/errors';
import { normalizeHost } from './net/peer-address';
import type { PeerSocket } from './wire/peer-socket';
import { IncomingHandshakeReader, type IncomingEncryption } from './wire/incoming-reader';
import { readHandshake, type ReceivedHandshake } from './wire/read-handshake';

/** Hands an incoming connection to the torrent its handshake names; false refuses it. */
export type IncomingRouter = (infoHashHex: string, socket: PeerSocket, received: ReceivedHandshake) => boolean;

/**
 * Handshakes read at once. When all are taken, the oldest gives way if it has had a second (an
 * honest peer's handshake arrives in one round trip); otherwise the new connection is dropped.
 */
const MAX_PENDING_HANDSHAKES = 64;
const EVICTABLE_AFTER_MS = 1000;
/** Pending handshakes one address may hold, so a few hosts cannot take every slot above. */
const MAX_PENDING_PER_ADDRESS = 4;
/**
 * An honest peer sends its 68 bytes at once; one that drips them holds a slot, so it gets this
 * long, not the 20 s a handshake may take once we have answered.
 */
const INCOMING_HANDSHAKE_MS = 5000;

/**
 * The session's one listening socket for peers. It reads each incoming handshake before anything
 * else, so one port serves every torrent.
 */
export class PeerListener {
  readonly #server: Server;
  /** Sockets whose handshake is awaited, oldest first, with when they connected. */
  readonly #pending = new Map<PeerSocket, number>();
  /** Pending handshakes by remote address. */
  readonly #pendingFrom = new Map<string, number>();

  readonly #route: IncomingRouter;
  readonly #encryption: IncomingEncryption;

  private constructor(server: Server, route: IncomingRouter, encryption: IncomingEncryption) {
    this.#server = server;
    this.#route = route;
    this.#encryption = encryption;
  }

  /** Listens on `port` (0: any free port). A port in use is a ShoalError 'port-in-use'. */
  /** `encryption` decides which of plain and encrypted (MSE) connections are taken. */
  /** With `takesTcp` false, TCP connections are closed as they come (uTP only, as libtorrent with TCP off). */
  static async listen(port: number, host: string, route: IncomingRouter, encryption: IncomingEncryption, takesTcp: () => boolean = () => true): Promise<PeerListener> {
    const server = createServer({ pauseOnConnect: false });
    const listener = new PeerListener(server, route, encryption);
    server.on('connection', (socket) => (takesTcp() ? listener.accept(socket) : socket.destroy()));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') reject(new ShoalError('port-in-use', `port ${port} is already in use; choose another listening port`));
        else if (err.code === 'EACCES') reject(new ShoalError('permission-denied', `no permission to listen on port ${port}`));
        else reject(new ShoalError('network', `cannot listen on port ${port}: ${err.message}`));
      });
      server.listen(port, host, () => resolve());
    });
    server.on('error', () => undefined); // after listening, errors belong to single sockets
    return listener;
  }

  /** Whether IPv6 peers can connect (the socket is on an IPv6 or dual-stack address). */
  get acceptsIPv6(): boolean {
    const address = this.#server.address();
    return typeof address === 'object' && address !== null && address.family === 'IPv6';
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** An incoming connection (TCP from our server, or uTP from the peer port's UDP side): its handshake is read first. */
  accept(socket: PeerSocket): void {
    const route = this.#route;
    // A dual-stack socket names IPv4 peers as ::ffff:a.b.c.d; every record and log uses a.b.c.d.
    const address = normalizeHost(socket.remoteAddress ?? '');
    const fromAddress = this.#pendingFrom.get(address) ?? 0;
    if (fromAddress >= MAX_PENDING_PER_ADDRESS || (this.#pending.size >= MAX_PENDING_HANDSHAKES && !this.#evictOldest())) {
      socket.destroy();
      return;
    }
    this.#pending.set(socket, Date.now());
    this.#pendingFrom.set(address, fromAddress + 1);
    const done = () => {
      this.#pending.delete(socket);
      const left = this.#pendingFrom.get(address)! - 1;
      if (left === 0) this.#pendingFrom.delete(address);
      else this.#pendingFrom.set(address, left);
    };
    socket.on('error', () => undefined);
    // The plain or encrypted handshake, MSE's round trips included, within the same time.
    const reader = new IncomingHandshakeReader(this.#encryption, (bytes) => socket.write(bytes), address);
    readHandshake(socket, INCOMING_HANDSHAKE_MS, reader).then(
      (received) => {
        done();
        const infoHash = Buffer.from(received.handshake.infoHash).toString('hex');
        if (!route(infoHash, socket, received)) socket.destroy();
      },
      () => done(), // readHandshake already destroyed the socket
    );
  }

  /** Drops the longest-pending handshake if it has had its chance; false if none has. */
  #evictOldest(): boolean {
    const [oldest, since] = this.#pending.entries().next().value ?? [];
    if (oldest === undefined || since === undefined || Date.now() - since < EVICTABLE_AFTER_MS) return false;
    this.#pending.delete(oldest); // its handshake read ends with the socket and settles its counts
    oldest.destroy();
    return true;
  }
}
