import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { externalAddressRequest, mapRequest, parseNatPmpReply, type MapProtocol, type NatPmpReply } from './natpmp-packets';

export const NATPMP_PORT = 5351;

export interface NatPmpClientOptions {
  readonly gateway: string;
  /** The gateway's port; 5351 but for tests. */
  readonly port?: number;
  /** First wait for a reply; doubled on each retry (RFC 6886 §3.1 starts at 250 ms). */
  readonly firstWaitMs?: number;
  readonly tries?: number;
  /** A datagram from anyone but the gateway was ignored. */
  readonly ignored?: (why: string) => void;
}

/**
 * Talks NAT-PMP with the default gateway, one request at a time. Replies from any other address
 * or port are ignored (RFC 6886 §3.1: only the gateway's own replies count), as are malformed
 * ones; the request is retried and finally fails with the last reason.
 */
export class NatPmpClient {
  readonly #o: NatPmpClientOptions;
  readonly #socket: Socket;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(o: NatPmpClientOptions, socket: Socket) {
    this.#o = o;
    this.#socket = socket;
  }

  static async open(o: NatPmpClientOptions): Promise<NatPmpClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => undefined);
    return new NatPmpClient(o, socket);
  }

  /** The router's external IPv4 address. */
  async externalAddress(): Promise<string> {
    const reply = await this.#ask(externalAddressRequest(), (r) => r.kind === 'external');
    if (reply.kind !== 'external') throw new Error('unreachable');
    return reply.address;
  }

  /** Maps (or with lifetime 0, deletes) `internalPort`; the router says which external port and for how long. */
  async map(protocol: MapProtocol, internalPort: number, lifetime: number): Promise<{ externalPort: number; lifetime: number }> {
    const reply = await this.#ask(mapRequest(protocol, internalPort, internalPort, lifetime), (r) => r.kind === 'map' && r.protocol === protocol && r.internalPort === internalPort);
    if (reply.kind !== 'map') throw new Error('unreachable');
    return { externalPort: reply.externalPort, lifetime: reply.lifetime };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
  }

  #ask(request: Buffer, wanted: (r: NatPmpReply) => boolean): Promise<NatPmpReply> {
    const next = this.#queue.then(() => this.#exchange(request, wanted));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #exchange(request: Buffer, wanted: (r: NatPmpReply) => boolean): Promise<NatPmpReply> {
    const port = this.#o.port ?? NATPMP_PORT;
    const tries = this.#o.tries ?? 4;
    return new Promise((resolve, reject) => {
      if (this.#closed) return reject(new Error('NAT-PMP client closed'));
      let wait = this.#o.firstWaitMs ?? 250;
      let sent = 0;
      let lastProblem = 'no reply from the gateway';
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        clearTimeout(timer);
        this.#socket.off('message', onMessage);
      };
      const onMessage = (msg: Buffer, from: RemoteInfo): void => {
        if (from.address !== this.#o.gateway || from.port !== port) {
          this.#o.ignored?.(`ignored a NAT-PMP reply from ${from.address}:${from.port}, which is not the gateway ${this.#o.gateway}`);
          return;
        }
        const reply = parseNatPmpReply(msg);
        if ('error' in reply) {
          lastProblem = reply.error;
          // A refusal is final; a malformed reply may be followed by a good one.
          if (reply.error.startsWith('the router refused')) {
            finish();
            reject(new Error(reply.error));
          }
          return;
        }
        if (!wanted(reply)) return;
        finish();
        resolve(reply);
      };
      const send = (): void => {
        if (this.#closed) {
          finish();
          return reject(new Error('NAT-PMP client closed'));
        }
        if (sent === tries) {
          finish();
          return reject(new Error(lastProblem));
        }
        sent++;
        this.#socket.send(request, port, this.#o.gateway);
        timer = setTimeout(send, wait);
        wait *= 2;
      };
      this.#socket.on('message', onMessage);
      send();
    });
  }
}
