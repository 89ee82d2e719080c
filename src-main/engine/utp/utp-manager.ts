import { performance } from 'node:perf_hooks';
import type { PeerAddress } from '../net/peer-address';
import { decodePacket, emptyPacket, HEADER_SIZE, ST_RESET, ST_SYN, stampPacket, writeHeader } from './packet';
import { microsNow, UtpSocket, type UtpLink } from './utp-socket';

export interface UtpManagerOptions {
  /** Sends a datagram on the peer port's UDP socket. */
  send(bytes: Uint8Array, to: PeerAddress): void;
  /** An incoming connection, to read its handshake like a TCP one's. */
  accept(socket: UtpSocket): void;
  /** Connections at once, both ways (default 512). */
  readonly maxConnections?: number;
  /** SYNs one address may send a second, after a burst of twice as many (default 16). */
  readonly synsPerSecond?: number;
}

/** How often timeouts are looked at: one timer for every connection. */
const TICK_MS = 50;
/** Addresses whose SYN rate is tracked at once; the longest untouched gives way. */
const MAX_TRACKED_ADDRESSES = 4096;
/** RESETs we send a second for packets of connections we do not know, all addresses together. */
const RESETS_PER_SECOND = 64;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Every uTP connection of the session over the peer port's UDP socket: datagrams matched to their
 * connection by id and address, SYNs answered under a per-address rate and a connection cap,
 * dials, one timer for all retransmissions, and one flush at the end of each event-loop turn so
 * a burst of received packets costs one ACK and small writes share packets.
 */
export class UtpManager implements UtpLink {
  readonly #o: UtpManagerOptions;
  readonly #sockets = new Map<string, UtpSocket>();
  /** The connection the last packet was for: a transfer is a run of packets for one, found without building its key. */
  #last: UtpSocket | undefined;
  readonly #dirty = new Set<UtpSocket>();
  #flushQueued = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #packet = emptyPacket();
  readonly #synBuckets = new Map<string, Bucket>();
  readonly #resets: Bucket = { tokens: RESETS_PER_SECOND, at: 0 };
  readonly #maxConnections: number;
  readonly #synRate: number;
  #closed = false;

  constructor(options: UtpManagerOptions) {
    this.#o = options;
    this.#maxConnections = options.maxConnections ?? 512;
    this.#synRate = options.synsPerSecond ?? 16;
  }

  /** Connections open or being opened. */
  get size(): number {
    return this.#sockets.size;
  }

  /** Dials `to`; the socket emits `connect` once the peer answers, or an error if it never does. */
  connect(to: PeerAddress): UtpSocket {
    let id = 0;
    for (let tries = 0; tries < 64; tries++) {
      id = (Math.random() * 0x10000) | 0;
      if (!this.#sockets.has(key(id, to))) break;
    }
    const socket = UtpSocket.connect(this, to, id);
    if (this.#closed || this.#sockets.size >= this.#maxConnections || this.#sockets.has(key(id, to))) {
      setImmediate(() => socket.destroy(new Error('too many uTP connections')));
      return socket;
    }
    this.#sockets.set(key(id, to), socket);
    this.#startTimer();
    return socket;
  }

  /** A datagram the peer UDP socket's first byte said is uTP. Anything malformed is dropped. */
  receive(bytes: Uint8Array, from: PeerAddress): void {
    const p = this.#packet;
    if (this.#closed || decodePacket(bytes, p) !== undefined) return;
    if (p.type === ST_SYN) {
      this.#syn(from);
      return;
    }
    let socket = this.#last;
    if (socket === undefined || socket.recvId !== p.connectionId || !sameAddress(socket.remote, from)) {
      socket = this.#sockets.get(key(p.connectionId, from));
      if (socket) this.#last = socket;
    }
    if (socket) {
      socket.receive(p, performance.now());
      return;
    }
    if (p.type === ST_RESET) {
      // A RESET may carry either of the connection's ids.
      for (const id of [(p.connectionId + 1) & 0xffff, (p.connectionId - 1) & 0xffff]) {
        const other = this.#sockets.get(key(id, from));
        if (other && other.sendId === p.connectionId) other.receive(p, performance.now());
      }
      return;
    }
    this.#reset(from, p.connectionId, p.seq);
  }

  schedule(socket: UtpSocket): void {
    this.#dirty.add(socket);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    setImmediate(this.#flush);
  }

  forget(socket: UtpSocket): void {
    const k = key(socket.recvId, socket.remote);
    if (this.#sockets.get(k) === socket) this.#sockets.delete(k);
    if (this.#last === socket) this.#last = undefined;
    this.#dirty.delete(socket);
    if (this.#sockets.size === 0) this.#stopTimer();
  }

  send(bytes: Uint8Array, to: PeerAddress): void {
    if (!this.#closed) this.#o.send(bytes, to);
  }

  close(): void {
    this.#closed = true;
    for (const socket of [...this.#sockets.values()]) socket.destroy();
    this.#sockets.clear();
    this.#stopTimer();
  }

  #syn(from: PeerAddress): void {
    const p = this.#packet;
    const existing = this.#sockets.get(key((p.connectionId + 1) & 0xffff, from));
    if (existing) {
      existing.synAgain();
      return;
    }
    if (this.#sockets.size >= this.#maxConnections || !this.#takeSynToken(from.host)) return;
    const socket = UtpSocket.accept(this, from, p);
    this.#sockets.set(key(socket.recvId, from), socket);
    this.#startTimer();
    this.#o.accept(socket);
  }

  /** A token bucket per address: `synRate` a second, bursts of twice that. */
  #takeSynToken(host: string): boolean {
    const now = performance.now();
    let bucket = this.#synBuckets.get(host);
    if (bucket === undefined) {
      if (this.#synBuckets.size >= MAX_TRACKED_ADDRESSES) this.#synBuckets.delete(this.#synBuckets.keys().next().value!);
      bucket = { tokens: 2 * this.#synRate, at: now };
    } else {
      this.#synBuckets.delete(host); // re-inserted below: the map stays in order of last use
      bucket.tokens = Math.min(2 * this.#synRate, bucket.tokens + ((now - bucket.at) / 1000) * this.#synRate);
      bucket.at = now;
    }
    this.#synBuckets.set(host, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens--;
    return true;
  }

  /** Tells a peer that its connection is unknown here, within a global budget (no amplification). */
  #reset(to: PeerAddress, connectionId: number, seq: number): void {
    const now = performance.now();
    const bucket = this.#resets;
    bucket.tokens = Math.min(RESETS_PER_SECOND, bucket.tokens + ((now - bucket.at) / 1000) * RESETS_PER_SECOND);
    bucket.at = now;
    if (bucket.tokens < 1) return;
    bucket.tokens--;
    const packet = Buffer.allocUnsafe(HEADER_SIZE);
    writeHeader(packet, { type: ST_RESET, connectionId, window: 0, seq: (Math.random() * 0x10000) | 0, ack: seq });
    stampPacket(packet, microsNow(), 0, 0, seq);
    this.send(packet, to);
  }

  readonly #flush = (): void => {
    this.#flushQueued = false;
    for (const socket of this.#dirty) socket.flush();
    this.#dirty.clear();
  };

  #startTimer(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      const now = performance.now();
      for (const socket of this.#sockets.values()) socket.tick(now);
    }, TICK_MS);
    this.#timer.unref();
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

function sameAddress(a: PeerAddress, b: PeerAddress): boolean {
  return a === b || (a.port === b.port && a.host === b.host);
}

function key(id: number, from: PeerAddress): string {
  return `${id}|${from.host}|${from.port}`;
}
