import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { randomBytes } from 'node:crypto';
import { ShoalError } from '../../../src-shared/errors';
import { decodeCompactPeers } from '../net/compact-peers';
import { cleanText } from './http-tracker-client';
import type { PeerAddress } from '../net/peer-address';
import { maxPeersPerReply, type AnnounceReply, type AnnounceRequest, type ScrapeReply, type TrackerClient } from './tracker-types';
import { trackerUnreachable } from './unreachable';

export interface UdpTrackerOptions {
  /** BEP 15 waits base·2^n for attempt n (spec: 15 s); tests make it small. */
  readonly retryBaseMs?: number;
  /** Attempts after the first (spec: up to 8). */
  readonly maxRetries?: number;
  /** Resolves the tracker's host to all its addresses (default: the system's resolver). */
  readonly lookup?: (host: string) => Promise<readonly TrackerAddress[]>;
}

export interface TrackerAddress {
  readonly address: string;
  readonly family: number;
}

const ACTION_CONNECT = 0;
const ACTION_ANNOUNCE = 1;
const ACTION_SCRAPE = 2;
const ACTION_ERROR = 3;
/** BEP 15: a connection id may be used for one minute after it was received. */
const CONNECTION_ID_LIFETIME_MS = 60_000;
/** Once one family answered, the other one has this long to answer too, else it is given up for this round. */
const OTHER_FAMILY_GRACE_MS = 5000;
// BEP 15 has no code for BEP 21's `paused`: a UDP tracker hears a regular announce.
const eventCodes = { none: 0, completed: 1, started: 2, stopped: 3, paused: 0 } as const;

interface Waiter {
  readonly transaction: number;
  readonly action: number;
  resolve(reply: Buffer | undefined): void;
  reject(err: Error): void;
}

/**
 * BEP 15 client for one `udp://host:port` tracker. A tracker that resolves to IPv4 and IPv6 is
 * announced to over both when we take IPv6 peers, each family with its own connection id.
 */
export class UdpTrackerClient implements TrackerClient {
  readonly #host: string;
  readonly #port: number;
  readonly #retryBaseMs: number;
  readonly #maxRetries: number;
  readonly #lookup: (host: string) => Promise<readonly TrackerAddress[]>;
  readonly #connections = new Map<4 | 6, { readonly id: Buffer; readonly at: number }>();

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
    this.#lookup = options.lookup ?? ((host) => lookup(host, { all: true }));
  }

  async announce(request: AnnounceRequest, signal?: AbortSignal): Promise<AnnounceReply> {
    const targets = await this.#targets(request.ipv6Peers === true, signal);
    if (targets.length === 1) return this.#announceTo(targets[0]!, request, signal);
    // Both families: the slower one gets a grace period after the first answer, not minutes of retries.
    const late = new AbortController();
    const within = signal ? AbortSignal.any([signal, late.signal]) : late.signal;
    let grace: NodeJS.Timeout | undefined;
    const answers = await Promise.allSettled(
      targets.map((target) =>
        this.#announceTo(target, request, within).then((reply) => {
          grace ??= setTimeout(() => late.abort(), OTHER_FAMILY_GRACE_MS);
          return reply;
        }),
      ),
    );
    clearTimeout(grace);
    const replies = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    if (replies.length === 0) throw (answers[0] as PromiseRejectedResult).reason;
    return mergeReplies(replies);
  }

  async scrape(infoHash: Uint8Array, signal?: AbortSignal): Promise<ScrapeReply> {
    const [target] = await this.#targets(false, signal);
    return this.#session(target!, signal, async (exchange) => {
      const reply = await exchange(ACTION_SCRAPE, 20, (packet, transaction) => {
        packet.writeUInt32BE(ACTION_SCRAPE, 8);
        packet.writeUInt32BE(transaction, 12);
        packet.set(infoHash, 16);
      }, 36);
      return { complete: reply.readUInt32BE(8), downloaded: reply.readUInt32BE(12), incomplete: reply.readUInt32BE(16) };
    });
  }

  /** The tracker's first IPv4 and first IPv6 address; IPv6 only when we take IPv6 peers or it has no IPv4 one. */
  async #targets(bothFamilies: boolean, signal: AbortSignal | undefined): Promise<Target[]> {
    signal?.throwIfAborted();
    let all: readonly TrackerAddress[];
    try {
      all = await this.#lookup(this.#host);
    } catch {
      all = [];
    }
    const v4 = all.find((a) => a.family === 4);
    const v6 = all.find((a) => a.family === 6);
    const targets: Target[] = [];
    if (v4) targets.push({ address: v4.address, family: 4 });
    if (v6 && (bothFamilies || !v4)) targets.push({ address: v6.address, family: 6 });
    if (targets.length === 0) throw new ShoalError('network', `The tracker host ${this.#host} cannot be resolved.`);
    return targets;
  }

  #announceTo(target: Target, request: AnnounceRequest, signal: AbortSignal | undefined): Promise<AnnounceReply> {
    return this.#session(target, signal, async (exchange, family) => {
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

  /**
   * Runs one operation over a fresh socket. `exchange` sends a request (reconnecting first when
   * the connection id is missing or older than a minute) with BEP 15's retry schedule and returns
   * the matching reply of at least `minLength` bytes.
   */
  async #session<T>(
    target: Target,
    signal: AbortSignal | undefined,
    body: (
      exchange: (action: number, minLength: number, fill: (packet: Buffer, transaction: number) => void, size: number) => Promise<Buffer>,
      family: 4 | 6,
    ) => Promise<T>,
  ): Promise<T> {
    signal?.throwIfAborted();
    const { address, family } = target;
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    let waiter: Waiter | undefined;
    const fail = (err: Error) => {
      waiter?.reject(err);
      waiter = undefined;
    };
    socket.on('error', (err) => fail(trackerUnreachable((err as NodeJS.ErrnoException).code ?? err.message)));
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
        let connection = this.#connections.get(family);
        if (!connection || Date.now() - connection.at >= CONNECTION_ID_LIFETIME_MS) {
          this.#connections.delete(family);
          const transaction = randomBytes(4).readUInt32BE(0);
          const connect = Buffer.alloc(16);
          connect.writeUInt32BE(0x417, 0);
          connect.writeUInt32BE(0x27101980, 4);
          connect.writeUInt32BE(ACTION_CONNECT, 8);
          connect.writeUInt32BE(transaction, 12);
          const reply = await attempt(connect, transaction, ACTION_CONNECT, timeoutMs);
          if (!reply) continue;
          if (reply.length < 16) throw new ShoalError('protocol', `The tracker sent a truncated connect reply (${reply.length} bytes).`);
          connection = { id: Buffer.from(reply.subarray(8, 16)), at: Date.now() };
          this.#connections.set(family, connection);
        }
        const transaction = randomBytes(4).readUInt32BE(0);
        const packet = Buffer.alloc(size);
        connection.id.copy(packet, 0);
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
        socket.connect(this.#port, address);
      });
      return await body(exchange, family);
    } catch (err) {
      // A refusal may mean our connection id went stale on the tracker's side: start afresh next time.
      this.#connections.delete(family);
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      socket.close();
    }
  }
}

interface Target {
  readonly address: string;
  readonly family: 4 | 6;
}

/** One answer from the answers of both families: all their peers, the longer interval, the larger counts. */
function mergeReplies(replies: readonly AnnounceReply[]): AnnounceReply {
  const peers = replies.flatMap((r) => r.peers).slice(0, maxPeersPerReply);
  const most = (pick: (r: AnnounceReply) => number | undefined) => Math.max(...replies.map((r) => pick(r) ?? 0));
  return { interval: most((r) => r.interval), complete: most((r) => r.complete), incomplete: most((r) => r.incomplete), peers };
}
