import type { PeerAddress } from '../net/peer-address';
import { encodeQuery, KrpcError, parseMessage, type Message, type Query, type Response } from './krpc';

/** A query unanswered this long has failed. */
export const QUERY_TIMEOUT_MS = 2000;
/** Queries of ours waiting for an answer at once; more are refused at once (the caller counts it as a failure). */
export const MAX_IN_FLIGHT = 512;

export type OutgoingQuery = Exclude<Query, { method: 'unknown' }>;

export interface Answer {
  readonly id: Buffer;
  readonly response: Response;
  /** Our address as the answering node saw it (BEP 42). */
  readonly ip?: PeerAddress;
}

export class QueryFailed extends Error {}

interface Pending {
  readonly to: PeerAddress;
  readonly resolve: (answer: Answer) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * KRPC transactions over a datagram sender: each query gets a transaction id and a timeout, and an
 * answer counts only from the address the query went to. Incoming queries go to `onQuery`.
 */
export class Rpc {
  readonly #pending = new Map<string, Pending>();
  #nextTid = Math.floor(Math.random() * 0x10000);
  /** Queries sent since start (what a lookup costs is the difference). */
  sent = 0;

  constructor(
    private readonly o: {
      readonly send: (bytes: Buffer, to: PeerAddress) => void;
      readonly onQuery: (message: Extract<Message, { y: 'q' }>, from: PeerAddress) => void;
      /** A datagram that was not KRPC, or a query we could not parse (with its tid, to answer 203). */
      readonly onBadMessage?: (err: KrpcError, from: PeerAddress, size: number) => void;
      readonly timeoutMs?: number;
    },
  ) {}

  get inFlight(): number {
    return this.#pending.size;
  }

  query(to: PeerAddress, ownId: Buffer, query: OutgoingQuery): Promise<Answer> {
    if (this.#pending.size >= MAX_IN_FLIGHT) return Promise.reject(new QueryFailed('too many queries in flight'));
    let tid: Buffer;
    do {
      this.#nextTid = (this.#nextTid + 1) & 0xffff;
      tid = Buffer.from([this.#nextTid >> 8, this.#nextTid & 0xff]);
    } while (this.#pending.has(tid.toString('hex')));
    const key = tid.toString('hex');
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(key);
        reject(new QueryFailed(`${query.method} to ${to.host}:${to.port} timed out`));
      }, this.o.timeoutMs ?? QUERY_TIMEOUT_MS);
      timer.unref();
      this.#pending.set(key, { to, resolve, reject, timer });
      this.sent++;
      this.o.send(encodeQuery(tid, ownId, query), to);
    });
  }

  receive(bytes: Uint8Array, from: PeerAddress): void {
    let message: Message;
    try {
      message = parseMessage(bytes);
    } catch (err) {
      if (err instanceof KrpcError) this.o.onBadMessage?.(err, from, bytes.length);
      else throw err;
      return;
    }
    if (message.y === 'q') {
      this.o.onQuery(message, from);
      return;
    }
    const key = message.t.toString('hex');
    const pending = this.#pending.get(key);
    // An answer from elsewhere than where the query went is spoofed or stray: ignored.
    if (!pending || pending.to.host !== from.host || pending.to.port !== from.port) return;
    this.#pending.delete(key);
    clearTimeout(pending.timer);
    if (message.y === 'e') pending.reject(new QueryFailed(`error ${message.code}: ${message.message}`));
    else pending.resolve({ id: message.id, response: message.response, ...(message.ip ? { ip: message.ip } : {}) });
  }

  /** Fails every query in flight. */
  close(): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new QueryFailed('DHT closed'));
    }
    this.#pending.clear();
  }
}
