import { createSocket, type Socket, type SocketOptions } from 'node:dgram';
import { lookup } from 'node:dns';
import { isIP, isIPv4 } from 'node:net';
import { ShoalError } from '../../../src-shared/errors';
import { normalizeHost, type PeerAddress } from './peer-address';

/** Who a datagram on the peer port is for, from its first byte. */
export type DatagramKind = 'dht' | 'utp' | 'unknown';

/**
 * KRPC (the DHT) is a bencoded dictionary, so it starts with `d`; a uTP packet (BEP 29) carries
 * version 1 in the low nibble of its first byte, and its type (0–4) in the high one.
 */
export function datagramKind(bytes: Uint8Array): DatagramKind {
  const first = bytes[0];
  if (first === undefined) return 'unknown';
  if (first === 0x64) return 'dht';
  if ((first & 0x0f) === 1 && first >> 4 <= 4) return 'utp';
  return 'unknown';
}

const SOCKET_BUFFER = 4 * 1024 * 1024;

export type DatagramHandler = (bytes: Buffer, from: PeerAddress) => void;

/**
 * The session's one UDP socket on the peer port, shared by the DHT and uTP: each datagram
 * goes to the handler for its kind; datagrams with no handler are dropped. On a dual-stack host
 * it is one IPv6 socket that also carries IPv4 (addresses are given back in plain IPv4 form).
 */
export class PeerUdpSocket {
  readonly #socket: Socket;
  readonly #handlers = new Map<DatagramKind, DatagramHandler>();
  readonly ipv6: boolean;
  /**
   * The last sender, as Node spelled it and as handed on: a uTP transfer is a run of datagrams
   * from one address, and each would otherwise cost a parse of the address and a new object.
   * Addresses are read-only, so handlers may keep the one they were given.
   */
  #lastFrom = '';
  #lastAddress: PeerAddress = { host: '', port: 0 };
  /** The last destination and its spelling for this socket (IPv4 on a dual-stack one is mapped). */
  #lastToHost: string | undefined;
  #lastTarget = '';

  private constructor(socket: Socket, ipv6: boolean) {
    this.#socket = socket;
    this.ipv6 = ipv6;
    socket.on('message', (bytes, rinfo) => {
      const handler = this.#handlers.get(datagramKind(bytes));
      if (handler === undefined) return;
      if (rinfo.address !== this.#lastFrom || rinfo.port !== this.#lastAddress.port) {
        this.#lastFrom = rinfo.address;
        this.#lastAddress = { host: normalizeHost(rinfo.address), port: rinfo.port };
      }
      handler(bytes, this.#lastAddress);
    });
    socket.on('error', () => undefined); // per-datagram errors (ICMP unreachable) mean nothing to us
    // uTP sends a window of packets at once; the default buffers (about 200 KB, some 90 datagrams)
    // drop bursts even on loopback. The kernel caps what we ask at its maximum.
    for (const set of [() => socket.setRecvBufferSize(SOCKET_BUFFER), () => socket.setSendBufferSize(SOCKET_BUFFER)]) {
      try {
        set();
      } catch {
        // a system that refuses keeps its default
      }
    }
  }

  /** Binds `port` on `host` (all interfaces, IPv6 and IPv4 where the host has IPv6, unless told). */
  static async bind(port: number, host?: string): Promise<PeerUdpSocket> {
    if (host === undefined || host === '::') {
      try {
        return new PeerUdpSocket(await bindSocket(createSocket({ type: 'udp6', ipv6Only: false, lookup: literalLookup }), port, '::'), true);
      } catch (err) {
        if (err instanceof ShoalError && err.code !== 'network') throw err; // the port, not IPv6, is the problem
      }
      host = '0.0.0.0';
    }
    const v4 = isIPv4(host);
    return new PeerUdpSocket(await bindSocket(createSocket({ type: v4 ? 'udp4' : 'udp6', lookup: literalLookup }), port, host), !v4);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  on(kind: Exclude<DatagramKind, 'unknown'>, handler: DatagramHandler): void {
    this.#handlers.set(kind, handler);
  }

  off(kind: Exclude<DatagramKind, 'unknown'>): void {
    this.#handlers.delete(kind);
  }

  send(bytes: Uint8Array, to: PeerAddress): void {
    if (to.host !== this.#lastToHost) {
      const v4 = isIPv4(to.host);
      // An IPv6 node is out of reach of an IPv4 socket: an empty target.
      this.#lastTarget = this.ipv6 && v4 ? `::ffff:${to.host}` : !this.ipv6 && !v4 ? '' : to.host;
      this.#lastToHost = to.host;
    }
    if (this.#lastTarget !== '') this.#socket.send(bytes, to.port, this.#lastTarget);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}

function bindSocket(socket: Socket, port: number, host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.close();
      if (err.code === 'EADDRINUSE') reject(new ShoalError('port-in-use', `UDP port ${port} is already in use; choose another listening port`));
      else if (err.code === 'EACCES') reject(new ShoalError('permission-denied', `no permission to listen on UDP port ${port}`));
      else reject(new ShoalError('network', `cannot listen on UDP port ${port}: ${err.message}`));
    });
    socket.bind(port, host, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/** The address `literalLookup` last found to be an IP address, and its family. */
let literal = '';
let literalFamily = 0;

/**
 * dgram resolves every destination before each send, even an IP address: a regular expression or
 * two and a deferred call per datagram, once per uTP packet. Addresses here are IP addresses (the
 * DHT resolves its routers' names itself), so an address seen last time is answered at once; a
 * name still goes to the resolver.
 */
const literalLookup: NonNullable<SocketOptions['lookup']> = (address, options, callback) => {
  if (address !== literal) {
    const family = isIP(address);
    if (family === 0) {
      lookup(address, options, callback);
      return;
    }
    literal = address;
    literalFamily = family;
  }
  callback(null, address, literalFamily);
};
