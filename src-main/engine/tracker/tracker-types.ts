/** What the tracker clients exchange with the Announcer (and the Announcer with the engine). */
import type { PeerAddress } from '../net/peer-address';

/** `paused`: BEP 21, sent in every regular announce while we are a partial seed. */
export type AnnounceEventName = 'none' | 'started' | 'completed' | 'stopped' | 'paused';

export interface AnnounceRequest {
  /** 20 bytes. */
  readonly infoHash: Uint8Array;
  /** 20 bytes. */
  readonly peerId: Uint8Array;
  readonly port: number;
  readonly uploaded: number;
  readonly downloaded: number;
  readonly left: number;
  readonly event: AnnounceEventName;
  readonly numwant: number;
  /** Random per torrent session: lets a tracker recognise us across address changes. */
  readonly key: number;
  /** Echoed back when a tracker gave one (`tracker id`). */
  readonly trackerId?: string;
  /**
   * We take IPv6 peers: a UDP tracker that resolves to IPv6 and IPv4 is asked over both, since
   * BEP 15 answers with peers of the asker's family only and learns only the address it sees.
   */
  readonly ipv6Peers?: boolean;
  /** Our global IPv6 address, told to HTTP trackers as BEP 7's `ipv6` so they learn it beside the one they see. */
  readonly ipv6?: string;
}

export interface SwarmCounts {
  /** Seeders. */
  readonly complete?: number;
  /** Leechers. */
  readonly incomplete?: number;
  /** Completed downloads. */
  readonly downloaded?: number;
}

export interface AnnounceReply extends SwarmCounts {
  /** Seconds until the next regular announce. */
  readonly interval: number;
  /** Seconds the tracker wants between announces at the least. */
  readonly minInterval?: number;
  readonly peers: PeerAddress[];
  readonly warning?: string;
  readonly trackerId?: string;
}

export interface ScrapeReply {
  readonly complete: number;
  readonly incomplete: number;
  readonly downloaded: number;
}

/** One tracker URL's client: HTTP or UDP, same shape. Errors are ShoalError('network' | 'protocol'). */
export interface TrackerClient {
  announce(request: AnnounceRequest, signal?: AbortSignal): Promise<AnnounceReply>;
  scrape(infoHash: Uint8Array, signal?: AbortSignal): Promise<ScrapeReply>;
}

/** Caps every tracker reply is held to. */
export const maxPeersPerReply = 1000;
