import { statfs } from 'node:fs/promises';
import type { EventPayload, PortForwardingStatus, ReadCacheFigures, ShoalEvent, SubscriptionTab } from '../../src-shared/contract';
import type { SessionMeters } from './session-meters';
import type { Torrent } from './torrent';
import * as views from './torrent-views';

export interface StatusFeedOptions {
  readonly torrents: ReadonlyMap<string, Torrent>;
  /** The torrents that may have peers (those at rest have none). */
  readonly busy: () => Iterable<Torrent>;
  /** Rates and bytes moved, sampled just before each tick. */
  readonly meters: SessionMeters;
  readonly downloadDir: () => string;
  readonly altSpeedActive: () => boolean;
  readonly portForwarding: () => PortForwardingStatus;
  /** Nodes in the DHT's routing table; null while it is off. */
  readonly dhtNodes: () => number | null;
  /** The session's read cache: budget, bytes held, hits and misses. */
  readonly readCache: () => ReadCacheFigures;
  /** Someone hears the events; without anyone, nothing is built. */
  readonly heard: () => boolean;
  readonly emit: (event: ShoalEvent) => void;
  /** Which trackerless sources are on (the Trackers tab's DHT, PEX and LSD rows). */
  readonly discovery: () => views.DiscoverySwitches;
}

/** The once-a-second events: the session's totals for the status bar, and the subscribed torrent's open tab. */
export class StatusFeed {
  readonly #o: StatusFeedOptions;
  #subscription: { infoHash: string; tab: SubscriptionTab } | null = null;

  constructor(options: StatusFeedOptions) {
    this.#o = options;
  }

  /** The tab the front end shows (null: none); its detail goes out at once. */
  subscribe(infoHash: string | null, tab: SubscriptionTab | null): void {
    this.#subscription = infoHash !== null && tab !== null ? { infoHash, tab } : null;
    this.#emitDetail();
  }

  /** The torrent left the session: its detail stops. */
  forget(infoHash: string): void {
    if (this.#subscription?.infoHash === infoHash) this.#subscription = null;
  }

  async tick(): Promise<void> {
    if (!this.#o.heard()) return;
    let connected = 0;
    for (const t of this.#o.busy()) connected += t.peerCount;
    const { down, up } = this.#o.meters.rates;
    const dir = this.#o.downloadDir();
    const freeSpace = await statfs(dir).then(
      (s) => s.bavail * s.bsize,
      () => null,
    );
    this.#o.emit({ name: 'stats', payload: { downRate: down, upRate: up, connectedPeers: connected, freeSpace, downloadDir: dir, altSpeedActive: this.#o.altSpeedActive(), portForwarding: this.#o.portForwarding(), dhtNodes: this.#o.dhtNodes(), transfer: this.#o.meters.transfer, readCache: this.#o.readCache() } });
    this.#emitDetail();
  }

  #emitDetail(): void {
    const sub = this.#subscription;
    if (!sub) return;
    const t = this.#o.torrents.get(sub.infoHash);
    // Before the metadata, only what the link says (General) and the trackers mean something.
    if (!t || (!t.hasMetainfo && sub.tab !== 'general' && sub.tab !== 'trackers')) return;
    this.#o.emit({ name: 'detail', payload: detail(t, sub.tab, this.#o.discovery) });
  }
}

function detail(t: Torrent, tab: SubscriptionTab, discovery: () => views.DiscoverySwitches): EventPayload<'detail'> {
  switch (tab) {
    case 'general':
      return { infoHash: t.infoHash, general: views.general(t) };
    case 'pieces':
      return { infoHash: t.infoHash, pieces: views.pieces(t) };
    case 'peers':
      return { infoHash: t.infoHash, peers: views.peers(t) };
    case 'files':
      return { infoHash: t.infoHash, files: views.files(t) };
    case 'trackers':
      return { infoHash: t.infoHash, trackers: views.trackers(t, discovery()) };
  }
}
