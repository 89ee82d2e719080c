import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { normalizeHost, type PeerAddress } from '../net/peer-address';
import { formatLsdAnnounce, HASHES_PER_ANNOUNCE, LSD_GROUP_V4, LSD_GROUP_V6, LSD_PORT, parseLsdAnnounce } from './lsd-message';
import { reasonOf } from '../../../src-shared/errors';

/** A torrent announced on, and told of, the local network. */
export interface LsdTarget {
  readonly infoHash: string;
  addPeers(peers: readonly PeerAddress[]): void;
}

export interface LocalDiscoveryOptions {
  /** Our peer port, as announced. */
  readonly port: () => number;
  /** The torrents to announce now (public ones only: the session leaves private torrents out, BEP 27). */
  readonly targets: () => Iterable<LsdTarget>;
  readonly log?: (line: string) => void;
  /**
   * The interface address peers reach us on, when the session listens on one only: announces go
   * out, and are heard, on it alone (BEP 14: on each interface we listen on). Absent: the default.
   */
  readonly host?: string;
  /** Between a torrent's announces (BEP 14: every 5 minutes). */
  readonly intervalMs?: number;
  /** The multicast port (6771; tests may move it). */
  readonly lsdPort?: number;
}

const INTERVAL_MS = 5 * 60_000;
/** Our sending is spread out: at most one packet a second (each names up to 20 torrents). */
const SEND_GAP_MS = 1000;
/** What one address may send us: a few announces per window; the rest is dropped unread. */
const SENDER_WINDOW_MS = 10_000;
const SENDER_MAX_PER_WINDOW = 10;
/** Senders remembered for rate limiting; past this the record starts over (memory stays bounded). */
const MAX_SENDERS = 1024;

interface GroupSocket {
  readonly socket: Socket;
  /** The Host header: the group and port, IPv6 in brackets. */
  readonly host: string;
  readonly group: string;
}

/**
 * Local Service Discovery (BEP 14): announces our torrents on the LAN's multicast groups at start
 * and about every 5 minutes each (spread so torrents do not go out together), drops its own
 * announces by their cookie, rate-limits what it sends and what each sender may send it, and
 * hands the peers it hears of to their torrents.
 */
export class LocalDiscovery {
  readonly #o: LocalDiscoveryOptions;
  readonly #sockets: GroupSocket[];
  readonly #cookie = randomBytes(4).toString('hex');
  readonly #timer: NodeJS.Timeout;
  /** When each torrent is announced next. */
  readonly #due = new Map<string, number>();
  readonly #targets = new Map<string, LsdTarget>();
  readonly #senders = new Map<string, { start: number; count: number }>();
  #lastSent = -Infinity;

  private constructor(sockets: GroupSocket[], o: LocalDiscoveryOptions) {
    this.#o = o;
    this.#sockets = sockets;
    for (const s of sockets) s.socket.on('message', (packet, from) => this.#receive(packet, from));
    this.#timer = setInterval(() => this.#tick(), 250);
    this.#timer.unref();
  }

  /**
   * Joins the IPv4 group (and the IPv6 one where the host has IPv6 multicast). Without the IPv4
   * group, LSD is off: undefined, and the log says why.
   */
  static async start(o: LocalDiscoveryOptions): Promise<LocalDiscovery | undefined> {
    const port = o.lsdPort ?? LSD_PORT;
    const sockets: GroupSocket[] = [];
    try {
      sockets.push(await join('udp4', LSD_GROUP_V4, port, o.host, o.log));
    } catch (err) {
      o.log?.(`local peer discovery off: ${reasonOf(err)}`);
      return undefined;
    }
    // IPv6 multicast is missing on many hosts (and in network namespaces): IPv4 alone then.
    if (o.host === undefined) {
      await join('udp6', LSD_GROUP_V6, port, undefined, o.log).then(
        (s) => sockets.push(s),
        () => undefined,
      );
    }
    return new LocalDiscovery(sockets, o);
  }

  close(): void {
    clearInterval(this.#timer);
    for (const s of this.#sockets) s.socket.close();
  }

  #tick(): void {
    const now = Date.now();
    this.#targets.clear();
    for (const t of this.#o.targets()) this.#targets.set(t.infoHash, t);
    for (const hash of this.#due.keys()) if (!this.#targets.has(hash)) this.#due.delete(hash);
    // A torrent new to us is announced at once (as soon as the send gap allows).
    for (const hash of this.#targets.keys()) if (!this.#due.has(hash)) this.#due.set(hash, now);
    if (now - this.#lastSent < SEND_GAP_MS) return;
    const due = [...this.#due].filter(([, at]) => at <= now).map(([hash]) => hash).slice(0, HASHES_PER_ANNOUNCE);
    const port = this.#o.port();
    if (due.length === 0 || port === 0) return;
    this.#lastSent = now;
    const interval = this.#o.intervalMs ?? INTERVAL_MS;
    // ±10% so torrents added together drift apart.
    for (const hash of due) this.#due.set(hash, now + interval * (0.9 + Math.random() * 0.2));
    for (const s of this.#sockets) {
      const packet = formatLsdAnnounce(s.host, { port, infoHashes: due, cookie: this.#cookie });
      s.socket.send(packet, s.socket.address().port, s.group, (err) => {
        if (err) this.#o.log?.(`local peer discovery: ${err.message}`);
      });
    }
  }

  #receive(packet: Buffer, from: RemoteInfo): void {
    if (!this.#allowed(from.address)) return;
    const announce = parseLsdAnnounce(packet);
    if (!announce || announce.cookie === this.#cookie) return;
    const peer = { host: normalizeHost(from.address), port: announce.port };
    for (const hash of announce.infoHashes) this.#targets.get(hash)?.addPeers([peer]);
  }

  #allowed(address: string): boolean {
    const now = Date.now();
    let s = this.#senders.get(address);
    if (!s || now - s.start >= SENDER_WINDOW_MS) {
      if (!s && this.#senders.size >= MAX_SENDERS) this.#senders.clear();
      s = { start: now, count: 0 };
      this.#senders.set(address, s);
    }
    return ++s.count <= SENDER_MAX_PER_WINDOW;
  }
}

/** A socket on the LSD port, in `group` (on `iface` alone if given), that hears its own host's announces too. */
function join(type: 'udp4' | 'udp6', group: string, port: number, iface?: string, log?: (line: string) => void): Promise<GroupSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type, reuseAddr: true });
    socket.once('error', (err) => {
      socket.close();
      reject(err);
    });
    socket.bind(port, () => {
      try {
        socket.addMembership(group, iface);
        if (iface !== undefined) socket.setMulticastInterface(iface);
        socket.setMulticastLoopback(true);
      } catch (err) {
        socket.close();
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      socket.removeAllListeners('error');
      socket.on('error', (err) => log?.(`local peer discovery: ${err.message}`));
      resolve({ socket, group, host: type === 'udp4' ? `${group}:${port}` : `[${group}]:${port}` });
    });
  });
}
