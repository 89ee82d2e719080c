import type { PeerAddress } from '../net/peer-address';
import type { DhtNode } from './dht-node';

/** Announces repeat about this often (BEP 5 peers expire after 30+ minutes), with ±10 % spread. */
export const REANNOUNCE_MS = 30 * 60_000;
/** A lookup that found no peers is tried again sooner: after 15 s, doubling up to 5 minutes. */
export const RETRY_EMPTY_MS = 15_000;
const RETRY_EMPTY_MAX_MS = 5 * 60_000;
/** Lookups at once, so a session with many torrents spreads them over time. */
const MAX_RUNNING = 2;
const TICK_MS = 1000;

interface Entry {
  readonly infoHash: Buffer;
  readonly onPeers: (peers: PeerAddress[]) => void;
  /** False while we only look (a magnet without its metadata has nothing to offer yet). */
  announce: boolean;
  nextAt: number;
  running: boolean;
  /** Lookups in a row that found nobody. */
  empty: number;
}

/**
 * Runs the DHT side of every torrent the session trades: a get_peers lookup at once, then about
 * every 30 minutes, announcing our peer port to the closest nodes; peers found go to the torrent.
 */
export class DhtAnnouncer {
  readonly #entries = new Map<string, Entry>();
  readonly #timer: NodeJS.Timeout;
  #running = 0;

  constructor(
    private readonly node: DhtNode,
    private readonly peerPort: () => number,
    private readonly now: () => number = Date.now,
  ) {
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    this.#timer.unref();
  }

  /** Starts (or updates) the lookups for `infoHashHex`; the first one runs as soon as there is room. */
  track(infoHashHex: string, options: { announce: boolean; onPeers: (peers: PeerAddress[]) => void }): void {
    const known = this.#entries.get(infoHashHex);
    if (known) {
      known.announce = options.announce;
      return;
    }
    this.#entries.set(infoHashHex, { infoHash: Buffer.from(infoHashHex, 'hex'), onPeers: options.onPeers, announce: options.announce, nextAt: this.now(), running: false, empty: 0 });
    this.#tick();
  }

  untrack(infoHashHex: string): void {
    this.#entries.delete(infoHashHex);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#entries.clear();
  }

  #tick(): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) {
      if (this.#running >= MAX_RUNNING) return;
      if (entry.running || entry.nextAt > now) continue;
      entry.running = true;
      this.#running++;
      void this.#run(key, entry);
    }
  }

  async #run(key: string, entry: Entry): Promise<void> {
    const deliver = (peers: PeerAddress[]) => {
      if (this.#entries.get(key) === entry) entry.onPeers(peers);
    };
    let found = 0;
    try {
      if (entry.announce) found = (await this.node.announce(entry.infoHash, this.peerPort(), deliver)).peers.length;
      else found = (await this.node.getPeers(entry.infoHash, deliver)).peers.length;
    } catch {
      found = 0; // a failed lookup is retried like an empty one
    }
    this.#running--;
    entry.running = false;
    entry.empty = found > 0 ? 0 : entry.empty + 1;
    const base = found > 0 ? REANNOUNCE_MS : Math.min(RETRY_EMPTY_MS * 2 ** (entry.empty - 1), RETRY_EMPTY_MAX_MS);
    entry.nextAt = this.now() + base * (0.9 + 0.2 * Math.random());
    this.#tick();
  }
}
