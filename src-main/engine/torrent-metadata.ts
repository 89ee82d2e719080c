import type { Magnet } from './metainfo/magnet';
import { sanitizeComponent } from './metainfo/sanitize-path';
import { MetadataExchange } from './swarm/metadata-exchange';
import type { MetadataSchedulerOptions } from './swarm/metadata-scheduler';
import type { Swarm } from './swarm/swarm';
import { Announcer, type IPv6Reach } from './tracker/announcer';

export interface MetadataPhaseOptions {
  readonly magnet: Magnet;
  /** The torrent's one swarm, which later trades the data with the same peers it finds now. */
  readonly swarm: Swarm;
  readonly peerId: Uint8Array;
  readonly listenPort: number;
  /** The router's external port once mapped, for trackers. */
  readonly announcePort?: () => number | null;
  readonly ipv6?: () => IPv6Reach;
  readonly announceIntervalSec?: number;
  /** Request timing (tests shorten it). */
  readonly scheduling?: MetadataSchedulerOptions;
  readonly events: MetadataPhaseEvents;
}

export interface MetadataPhaseEvents {
  /** The info dictionary arrived and hashes to the info-hash. */
  received(info: Uint8Array): void;
  /** Something the row shows changed: peers connected, the trackers' counts. */
  changed(): void;
}

/**
 * `left` we announce before the size is known: not 0, which would make us a seed to the tracker
 * (and opentracker gives seeds no seeds).
 */
const UNKNOWN_LEFT = 16 * 1024;

/**
 * A magnet link's first phase, before its info dictionary is known: the link's trackers are
 * asked for peers and its `x.pe` peers go to the swarm, which asks them all for the metadata.
 */
export class MetadataPhase {
  readonly magnet: Magnet;
  /** The `dn` name, sanitized, or the info-hash. */
  readonly name: string;
  readonly announcer: Announcer;
  #exchange: MetadataExchange;
  readonly #o: MetadataPhaseOptions;

  constructor(o: MetadataPhaseOptions) {
    const m = o.magnet;
    this.magnet = m;
    this.name = sanitizeComponent(m.name ?? '') ?? m.infoHashHex;
    this.#o = o;
    this.#exchange = this.#newExchange();
    this.announcer = new Announcer({
      tiers: m.trackers.map((url) => [url]),
      infoHash: m.infoHash,
      alsoInfoHash: () => o.swarm.otherInfoHash,
      peerId: o.peerId,
      port: o.listenPort,
      ...(o.announcePort ? { announcePort: o.announcePort } : {}),
      ...(o.ipv6 ? { ipv6: o.ipv6 } : {}),
      ...(o.announceIntervalSec !== undefined ? { intervalOverrideSec: o.announceIntervalSec } : {}),
      stats: () => ({ uploaded: 0, downloaded: 0, left: m.length ?? UNKNOWN_LEFT }),
      onPeers: (peers) => o.swarm.addPeers(peers, 'tracker'),
      onChange: () => o.events.changed(),
    });
    o.swarm.addPeers(m.peers, 'magnet');
  }

  /** Connected peers (whether or not they offer the metadata). */
  get peerCount(): number {
    return this.#exchange.peerCount;
  }

  start(): void {
    // Metadata that verified but made no usable torrent failed the torrent; resumed, it asks again.
    if (this.#exchange.done) this.#exchange = this.#newExchange();
    this.#o.swarm.start(this.#exchange);
    this.announcer.start();
  }

  /**
   * The metadata is in: the peers are let go, to be dialled again as soon as the torrent trades
   * (those that dialled us at the port they listen on); the trackers are not told `stopped`,
   * since the torrent's own announcer carries on for the same peer.
   */
  handOver(): void {
    const listening = this.#exchange.listenAddresses();
    this.#o.swarm.stop('the metadata is in; the torrent takes over', { redialSoon: true });
    this.#o.swarm.addPeers(listening, 'incoming');
    void this.announcer.stop({ quietly: true });
  }

  #newExchange(): MetadataExchange {
    const o = this.#o;
    return new MetadataExchange({ infoHash: o.magnet.infoHash, infoHashV2: o.magnet.infoHashV2, swarm: o.swarm, ...(o.scheduling ? { scheduling: o.scheduling } : {}), events: o.events });
  }
}
