import { createServer, type Server, type Socket } from 'node:net';
import { ShoalError } from '../../src-shared/errors';
import { readHandshake, type ReceivedHandshake } from './wire/read-handshake';

/** Hands an incoming connection to the torrent its handshake names; false refuses it. */
export type IncomingRouter = (infoHashHex: string, socket: Socket, received: ReceivedHandshake) => boolean;

/** Handshakes read at once; beyond this, new connections are dropped (a flood costs us little). */
const MAX_PENDING_HANDSHAKES = 64;

/**
 * The session's one listening socket for peers. It reads each incoming handshake before anything
 * else, so one port serves every torrent.
 */
export class PeerListener {
  readonly #server: Server;
  #pending = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Listens on `port` (0: any free port). A port in use is a ShoalError 'port-in-use'. */
  static async listen(port: number, host: string, route: IncomingRouter): Promise<PeerListener> {
    const server = createServer({ pauseOnConnect: false });
    const listener = new PeerListener(server);
    server.on('connection', (socket) => listener.#accept(socket, route));
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

  get port(): number {
    const address = this.#server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket, route: IncomingRouter): void {
    if (this.#pending >= MAX_PENDING_HANDSHAKES) {
      socket.destroy();
      return;
    }
    this.#pending++;
    socket.on('error', () => undefined);
    readHandshake(socket).then(
      (received) => {
        this.#pending--;
        const infoHash = Buffer.from(received.handshake.infoHash).toString('hex');
        if (!route(infoHash, socket, received)) socket.destroy();
      },
      () => {
        this.#pending--; // readHandshake already destroyed the socket
      },
    );
  }
}
