import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { randomBytes } from 'node:crypto';
import { ShoalError } from '../../../src-shared/errors';
import { decodeCompactPeers } from '../net/compact-peers';
import { cleanText } from './http-tracker-client';
import type { PeerAddress } from '../net/peer-address';
import { maxPeersPerReply, type AnnounceReply, type AnnounceRequest, type ScrapeReply, type TrackerClient } from './tracker-types';

export interface UdpTrackerOptions {
  /** BEP 15 waits base·2^n for attempt n (spec: 15 s); tests make it small. */
  readonly retryBaseMs?: number;
  /** Attempts after the first (spec: up to 8). */
  readonly maxRetries?: number;
}

const ACTION_CONNECT = 0;
const ACTION_ANNOUNCE = 1;
const ACTION_SCRAPE = 2;
const ACTION_ERROR = 3;
/** BEP 15: a connection id may be used for one minute after it was received. */
const CONNECTION_ID_LIFETIME_MS = 60_000;
// BEP 15 has no code for BEP 21's `paused`: a UDP tracker hears a regular announce.
const eventCodes = { none: 0, completed: 1, started: 2, stopped: 3, paused: 0 } as const;

interface Waiter {
  readonly transaction: number;
  readonly action: number;
  resolve(reply: Buffer | undefined): void;
  reject(err: Error): void;
}

/** BEP 15 client for one `udp://host:port` tracker. */
export class UdpTrackerClient implements TrackerClient {
  readonly #host: string;
  readonly #port: number;
  readonly #retryBaseMs: number;
  readonly #maxRetries: number;
  #connectionId: Buffer | undefined;
  #connectedAt = 0;

  constructor(url: string, options: UdpTrackerOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ShoalError('invalid-input', `The tracker URL ${url} is not valid.`);
    }
    const port = Number(parsed.port);
    if (parsed.protocol !== 'udp:' || !parsed.hostname || !(port >= 1 && port <= 65535)) {
      throw new ShoalError('invalid-input', `The tracker URL ${url} needs the form udp://host:port.`);
    }
    this.#host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    this.#port = port;
    this.#retryBaseMs = options.retryBaseMs ?? 15_000;
    this.#maxRetries = options.maxRetries ?? 8;
  }

  async announce(request: AnnounceRequest, signal?: AbortSignal): Promise<AnnounceReply> {
    return this.#session(signal, async (exchange, family) => {
      const reply = await exchange(ACTION_ANNOUNCE, 20, (packet, transaction) => {
        packet.writeUInt32BE(ACTION_ANNOUNCE, 8);
        packet.writeUInt32BE(transaction, 12);
        packet.set(request.infoHash, 16);
        packet.set(request.peerId, 36);
        packet.writeBigUInt64BE(BigInt(request.downloaded), 56);
        packet.writeBigUInt64BE(BigInt(request.left), 64);
        packet.writeBigUInt64BE(BigInt(request.uploaded), 72);
        packet.writeUInt32BE(eventCodes[request.event], 80);
        packet.writeUInt32BE(0, 84);
        packet.writeUInt32BE(request.key >>> 0, 88);
        packet.writeInt32BE(request.numwant, 92);
        packet.writeUInt16BE(request.port, 96);
      }, 98);
      const peers: PeerAddress[] = [];
      // Peers come in the family of the socket we asked over.
      decodeCompactPeers(reply.subarray(20), family, peers, maxPeersPerReply);
      return { interval: reply.readUInt32BE(8), incomplete: reply.readUInt32BE(12), complete: reply.readUInt32BE(16), peers };
    });
  }

  async scrape(infoHash: Uint8Array, signal?: AbortSignal): Promise<ScrapeReply> {
    return this.#session(signal, async (exchange) => {
      const reply = await exchange(ACTION_SCRAPE, 20, (packet, transaction) => {
        packet.writeUInt32BE(ACTION_SCRAPE, 8);
        packet.writeUInt32BE(transaction, 12);
        packet.set(infoHash, 16);
      }, 36);
      return { complete: reply.readUInt32BE(8), downloaded: reply.readUInt32BE(12), incomplete: reply.readUInt32BE(16) };
    });
  }

  /**
   * Runs one operation over a fresh socket. `exchange` sends a request (reconnecting first when
   * the connection id is missing or older than a minute) with BEP 15's retry schedule and returns
   * the matching reply of at least `minLength` bytes.
   */
  async #session<T>(
    signal: AbortSignal | undefined,
    body: (
      exchange: (action: number, minLength: number, fill: (packet: Buffer, transaction: number) => void, size: number) => Promise<Buffer>,
      family: 4 | 6,
    ) => Promise<T>,
  ): Promise<T> {
    signal?.throwIfAborted();
    let address: { address: string; family: number };
    try {
      address = await lookup(this.#host);
    } catch {
      throw new ShoalError('network', `The tracker host ${this.#host} cannot be resolved.`);
    }
    const family = address.family === 6 ? 6 : 4;
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    let waiter: Waiter | undefined;
    const fail = (err: Error) => {
      waiter?.reject(err);
      waiter = undefined;
    };
    socket.on('error', (err) => fail(new ShoalError('network', `The tracker cannot be reached (${(err as NodeJS.ErrnoException).code ?? err.message}).`)));
    socket.on('message', (packet) => {
      if (!waiter || packet.length < 8) return;
      const action = packet.readUInt32BE(0);
      // Stray or spoofed datagrams (another transaction) are ignored, not trusted.
      if (packet.readUInt32BE(4) !== waiter.transaction) return;
      if (action === ACTION_ERROR) fail(new ShoalError('network', `The tracker refused the request: ${cleanText(packet.subarray(8))}`));
      else if (action !== waiter.action) fail(new ShoalError('protocol', `The tracker answered with action ${action} instead of ${waiter.action}.`));
      else {
        waiter.resolve(packet);
        waiter = undefined;
      }
    });
    const onAbort = () => fail(new ShoalError('network', 'The tracker request was cancelled.'));
    signal?.addEventListener('abort', onAbort, { once: true });

    const attempt = (packet: Buffer, transaction: number, action: number, timeoutMs: number) =>
      new Promise<Buffer | undefined>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          resolve(undefined);
        }, timeoutMs);
        waiter = {
          transaction,
          action,
          resolve: (reply) => {
            clearTimeout(timer);
            resolve(reply);
          },
          reject: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        socket.send(packet);
      });

    const exchange = async (action: number, minLength: number, fill: (packet: Buffer, transaction: number) => void, size: number) => {
      for (let n = 0; n <= this.#maxRetries; n++) {
        const timeoutMs = this.#retryBaseMs * 2 ** n;
        if (!this.#connectionId || Date.now() - this.#connectedAt >= CONNECTION_ID_LIFETIME_MS) {
          this.#connectionId = undefined;
          const transaction = randomBytes(4).readUInt32BE(0);
          const connect = Buffer.alloc(16);
          connect.writeUInt32BE(0x417, 0);
          connect.writeUInt32BE(0x27101980, 4);
          connect.writeUInt32BE(ACTION_CONNECT, 8);
          connect.writeUInt32BE(transaction, 12);
          const reply = await attempt(connect, transaction, ACTION_CONNECT, timeoutMs);
          if (!reply) continue;
          if (reply.length < 16) throw new ShoalError('protocol', `The tracker sent a truncated connect reply (${reply.length} bytes).`);
          this.#connectionId = Buffer.from(reply.subarray(8, 16));
          this.#connectedAt = Date.now();
        }
        const transaction = randomBytes(4).readUInt32BE(0);
        const packet = Buffer.alloc(size);
        this.#connectionId.copy(packet, 0);
        fill(packet, transaction);
        const reply = await attempt(packet, transaction, action, timeoutMs);
        if (!reply) continue;
        if (reply.length < minLength) throw new ShoalError('protocol', `The tracker sent a truncated reply (${reply.length} bytes).`);
        return reply;
      }
      throw new ShoalError('network', `The tracker did not answer (${this.#maxRetries + 1} attempts).`);
    };

    try {
      // A connected socket only hears from the tracker's address: spoofed replies from elsewhere never arrive.
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', (err: NodeJS.ErrnoException) => reject(new ShoalError('network', `The tracker cannot be reached (${err.code ?? err.message}).`)));
        socket.connect(this.#port, address.address);
      });
      return await body(exchange, family);
    } catch (err) {
      // A refusal may mean our connection id went stale on the tracker's side: start afresh next time.
      this.#connectionId = undefined;
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      socket.close();
    }
  }
}
