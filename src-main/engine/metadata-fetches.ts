import type { CommandInput, CommandOutput, EventPayload, TorrentPreview } from '../../src-shared/contract';
import { ShoalError } from '../../src-shared/errors';
import { parseMagnet, type Magnet } from './metainfo/magnet';
import type { Metainfo } from './metainfo/metainfo';
import type { PeerAddress } from './net/peer-address';
import { previewOf } from './metainfo/preview';
import type { Torrent } from './torrent';

export interface MetadataFetchHooks {
  /** A torrent for the magnet that is in no list: its events come back here (`changed`, `arrived`, `failed`). */
  create(magnet: Magnet): Torrent;
  /** The info-hash is in the torrent list. */
  inList(infoHash: string): boolean;
  emit(payload: EventPayload<'metadata'>): void;
}

/** Fetches at once: each holds a swarm, and an abandoned page must not pile them up. */
const MAX_FETCHES = 16;
const DEFAULT_TIMEOUT_SEC = 90;
/** Metadata fetched and never added nor cancelled (the page went away) is let go after this long. */
const KEEP_FETCHED_MS = 30 * 60_000;

interface Fetch {
  readonly magnet: Magnet;
  readonly torrent: Torrent;
  timer: NodeJS.Timeout;
  peers: number;
  preview: TorrentPreview | null;
}

/**
 * Magnet links whose metadata (BEP 9) is fetched before they are added, so the user can choose
 * files first (as qBittorrent's add dialog does). Each is a torrent in its metadata phase that is
 * in no list: adding the magnet takes the metainfo fetched; cancelling, a timeout or a failure
 * stops it and forgets it, leaving nothing on disk or in the session.
 */
export class MetadataFetches {
  readonly #h: MetadataFetchHooks;
  readonly #fetches = new Map<string, Fetch>();

  constructor(hooks: MetadataFetchHooks) {
    this.#h = hooks;
  }

  start(input: CommandInput<'fetchMetadata'>): CommandOutput<'fetchMetadata'> {
    const magnet = parseMagnet(input.uri);
    const infoHash = magnet.infoHashHex;
    if (this.#h.inList(infoHash)) throw new ShoalError('already-exists', `"${magnet.name ?? infoHash}" is already in the list`);
    const running = this.#fetches.get(infoHash);
    if (running) {
      // A second dialog for the same link follows the same fetch.
      this.#tell(infoHash, running, null);
      return { infoHash };
    }
    if (this.#fetches.size >= MAX_FETCHES) throw new ShoalError('invalid-input', `${MAX_FETCHES} magnet links are already fetching their metadata; cancel one, or add this one without waiting`);
    const timeoutSec = input.timeoutSec ?? DEFAULT_TIMEOUT_SEC;
    const torrent = this.#h.create(magnet);
    const fetch: Fetch = {
      magnet,
      torrent,
      peers: 0,
      preview: null,
      timer: setTimeout(() => this.#fail(torrent, `No peer sent the metadata of "${torrent.name}" within ${timeoutSec} seconds. Add it without waiting to keep looking for peers in the background, or try again later.`), timeoutSec * 1000),
    };
    this.#fetches.set(infoHash, fetch);
    void torrent.start();
    this.#tell(infoHash, fetch, null);
    return { infoHash };
  }

  /** Stops the fetch and forgets it (nothing if there is none: it may have ended meanwhile). */
  cancel(infoHash: string): Promise<void> {
    return this.#drop(infoHash);
  }

  /**
   * The magnet is being added: its fetch ends, and gives the metainfo if it arrived, with the
   * link's peers (null otherwise: the torrent fetches it itself, in the list).
   */
  take(infoHash: string): { metainfo: Metainfo; peers: readonly PeerAddress[] } | null {
    const fetch = this.#fetches.get(infoHash);
    if (!fetch) return null;
    const taken = fetch.torrent.hasMetainfo ? { metainfo: fetch.torrent.metainfo, peers: fetch.magnet.peers } : null;
    void this.#drop(infoHash);
    return taken;
  }

  /** The torrent of a fetch under way, for a peer that dials us about it. */
  torrent(infoHash: string): Torrent | undefined {
    return this.#fetches.get(infoHash)?.torrent;
  }

  /** Every fetch's torrent by info-hash (the DHT looks for their peers too). */
  torrents(): ReadonlyMap<string, Torrent> {
    return new Map([...this.#fetches].map(([infoHash, f]) => [infoHash, f.torrent]));
  }

  /** A fetch's torrent says something changed: the number of peers, maybe. */
  changed(torrent: Torrent): void {
    const fetch = this.#current(torrent);
    if (!fetch || fetch.preview !== null || torrent.peerCount === fetch.peers) return;
    fetch.peers = torrent.peerCount;
    this.#tell(torrent.infoHash, fetch, null);
  }

  /** The metadata arrived and made a torrent: the dialog shows its files; kept a while for the Add. */
  arrived(torrent: Torrent): void {
    const fetch = this.#current(torrent);
    if (!fetch) return;
    clearTimeout(fetch.timer);
    fetch.timer = setTimeout(() => this.#drop(torrent.infoHash), KEEP_FETCHED_MS);
    fetch.preview = previewOf(torrent.metainfo);
    this.#tell(torrent.infoHash, fetch, null);
  }

  /** The metadata that came made no usable torrent (or another error stopped it). */
  failed(torrent: Torrent, error: ShoalError): void {
    this.#fail(torrent, `The metadata of "${torrent.name}" could not be used: ${error.message}`);
  }

  /** Every fetch stops (the session closes). */
  async close(): Promise<void> {
    await Promise.all([...this.#fetches.keys()].map((h) => this.#drop(h)));
  }

  #current(torrent: Torrent): Fetch | undefined {
    const fetch = this.#fetches.get(torrent.infoHash);
    return fetch?.torrent === torrent ? fetch : undefined;
  }

  #fail(torrent: Torrent, problem: string): void {
    const fetch = this.#current(torrent);
    if (!fetch) return;
    void this.#drop(torrent.infoHash);
    this.#tell(torrent.infoHash, fetch, problem);
  }

  #tell(infoHash: string, fetch: Fetch, problem: string | null): void {
    this.#h.emit({ infoHash, peers: fetch.peers, preview: fetch.preview, problem });
  }

  async #drop(infoHash: string): Promise<void> {
    const fetch = this.#fetches.get(infoHash);
    if (!fetch) return;
    this.#fetches.delete(infoHash);
    clearTimeout(fetch.timer);
    // Its files were never opened; remove(false) stops the swarm and tells the trackers it left.
    await fetch.torrent.remove(false);
  }
}
