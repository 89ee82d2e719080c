import type { EncryptionMode } from '../../src-shared/contract';
import type { ShoalError } from '../../src-shared/errors';
import type { TorrentBandwidth } from './bandwidth/bandwidth-limiter';
import type { Magnet } from './metainfo/magnet';
import type { Metainfo } from './metainfo/metainfo';
import type { ReadCachePool } from './storage/read-cache';
import type { RenamedFile } from './storage/disk-names';
import type { ResumeData } from './storage/storage';
import type { MetadataSchedulerOptions } from './swarm/metadata-scheduler';
import type { UtpDialer } from './wire/peer-connection';
import type { Torrent } from './torrent';
import type { IPv6Reach } from './tracker/announcer';

/** How a torrent is made, and what it tells whoever holds it. */

/** Where a torrent's data goes and how it meets peers, in every phase. */
interface TorrentInitBase {
  readonly savePath: string;
  readonly peerId: Uint8Array;
  readonly listenPort: number;
  /** The router's external port once mapped: trackers are told that one. */
  readonly announcePort?: () => number | null;
  /** Our IPv6 side for trackers (see `AnnouncerOptions.ipv6`). */
  readonly ipv6?: () => IPv6Reach;
  readonly maxConnections: number;
  /** The `encryption` setting now (absent: plain handshakes only; a session always gives its setting). */
  readonly encryption?: () => EncryptionMode;
  /** The session's uTP sockets while the `utp` setting is on (absent: TCP only). */
  readonly utp?: () => UtpDialer | undefined;
  /** The session's `tcp` setting now (on if absent): off, peers are dialled over uTP only. */
  readonly tcp?: () => boolean;
  /** Seconds between announces whatever trackers ask; undefined follows the trackers. */
  readonly announceIntervalSec?: number;
  readonly addedAt?: number;
  /** The torrent's speed limits from the session's limiter; unlimited and on its own if absent. */
  readonly bandwidth?: TorrentBandwidth;
  /** The session's `pex` setting now (on if absent); a private torrent never uses PEX. */
  readonly pex?: () => boolean;
  /** The session's read cache budget, shared by its torrents (absent: one of the torrent's own). */
  readonly readCache?: ReadCachePool;
  readonly events: TorrentEvents;
}

/** A torrent from its metainfo, or from a magnet link, whose metadata comes from peers. */
export type TorrentInit = TorrentInitBase &
  (
    | {
        readonly metainfo: Metainfo;
        /** Saved verified pieces and file stamps: the first check trusts them where the files did not change. */
        readonly resume?: ResumeData;
        /** Files the user renamed on disk in an earlier session. */
        readonly renamed?: readonly RenamedFile[];
      }
    | {
        readonly magnet: Magnet;
        /** Files (by index) the user chose not to download, applied once the file list is known. */
        readonly skipFiles?: readonly number[];
        /** Metadata request timing (tests shorten it). */
        readonly scheduling?: MetadataSchedulerOptions;
      }
  );

export interface TorrentEvents {
  /** Every wanted piece is verified (sent once per download). */
  finished(torrent: Torrent): void;
  /** The torrent stopped on an error the user must see (disk full, no permission, …). */
  failed(torrent: Torrent, error: ShoalError): void;
  log(torrent: Torrent, message: string): void;
  /** A block went out to a peer: share limits are checked as upload happens, not on a tick. */
  uploaded(torrent: Torrent): void;
  /** Something the torrent's list row shows changed (state, progress, totals, peers, trackers' counts, save folder). */
  changed(torrent: Torrent): void;
  /**
   * A magnet's metadata arrived: the torrent has its metainfo now and waits, 'queued', for the
   * queue to start it. `ignoredSkips`: files asked to be skipped that it does not have.
   */
  metadataArrived(torrent: Torrent, ignoredSkips: readonly number[]): void;
  /** No tracker of the torrent works and one failed (`problem` says how): told once until one answers. */
  trackerFailing?(torrent: Torrent, problem: string): void;
}

