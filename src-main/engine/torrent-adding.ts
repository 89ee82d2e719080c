import type { CommandInput, CommandOutput, Settings } from '../../src-shared/contract';
import { ShoalError } from '../../src-shared/errors';
import { downloadFolder } from './incomplete-folder';
import type { ListFeed } from './list-feed';
import { parseMagnet, type Magnet } from './metainfo/magnet';
import type { Metainfo } from './metainfo/metainfo';
import { parseTorrentFrom } from './metainfo/load-torrent';
import { globalIPv6Address } from './net/local-address';
import type { PeerAddress } from './net/peer-address';
import type { SavedMagnet } from './persistence/saved-session';
import type { SessionPolicy } from './policy/session-policy';
import type { SessionSockets } from './session-sockets';
import type { ReadCachePool } from './storage/read-cache';
import { prepareSaveFolder } from './storage/save-folder';
import type { RenamedFile } from './storage/disk-names';
import type { ResumeData } from './storage/storage';
import { Torrent } from './torrent';
import type { TorrentEvents } from './torrent-init';
import type { TorrentLabels } from './torrent-labels';
import type { IPv6Reach } from './tracker/announcer';

export interface TorrentAddingHooks {
  /** Every torrent of the session, by info-hash. */
  readonly torrents: Map<string, Torrent>;
  readonly peerId: Uint8Array;
  readonly listenPort: () => number;
  /** The peer port's external side on the router, once mapped. */
  readonly externalPort: () => number | null;
  readonly sockets: Pick<SessionSockets, 'acceptsIPv6' | 'utp'>;
  /** The read cache budget every torrent shares. */
  readonly readCache: ReadCachePool;
  readonly settings: () => Settings;
  readonly policy: Pick<SessionPolicy<Torrent>, 'add' | 'applyQueueAfter' | 'bandwidth'>;
  readonly feed: Pick<ListFeed, 'mark' | 'flush'>;
  readonly labels: Pick<TorrentLabels, 'set' | 'savePath'>;
  /** What every torrent tells the session. */
  readonly events: TorrentEvents;
  /** The banned peers are refused by a new torrent too. */
  readonly applyBans: (t: Torrent) => void;
  readonly saveSoon: () => void;
  /** Ends the metadata fetch of this info-hash (`fetchMetadata`), with what it brought if it arrived: the metainfo and the link's own peers. */
  readonly takeFetched: (infoHash: string) => { metainfo: Metainfo; peers: readonly PeerAddress[] } | null;
}

type MagnetInput = { savePath?: string; paused?: boolean; skipFiles?: readonly number[]; category?: string; tags?: readonly string[] };

/**
 * How torrents join the session: from a .torrent or a magnet link (the user's, the watch
 * folder's, the saved session's), each made with the session's settings, sockets and limits.
 */
export class TorrentAdding {
  readonly #h: TorrentAddingHooks;

  constructor(hooks: TorrentAddingHooks) {
    this.#h = hooks;
  }

  async add(input: CommandInput<'addTorrent'>): Promise<CommandOutput<'addTorrent'>> {
    if (input.source.kind === 'magnet') {
      const magnet = parseMagnet(input.source.uri);
      // Metadata fetched first (fetchMetadata) makes it a torrent with its files at once.
      const fetched = this.#h.torrents.has(magnet.infoHashHex) ? null : this.#h.takeFetched(magnet.infoHashHex);
      return fetched ? this.#addMetainfo(fetched.metainfo, input, fetched.peers) : this.#addMagnet(magnet, input);
    }
    return this.#addMetainfo(parseTorrentFrom(input.source.data, input.source.fileName), input);
  }

  /** `peers`: a fetched magnet's own (x.pe), which no tracker may know. */
  async #addMetainfo(metainfo: Metainfo, input: CommandInput<'addTorrent'>, peers: readonly PeerAddress[] = []): Promise<CommandOutput<'addTorrent'>> {
    const h = this.#h;
    if (h.torrents.has(metainfo.infoHashHex)) throw new ShoalError('already-exists', `"${metainfo.name}" is already in the list`);
    // The same torrent's metadata fetch (a dialog still open) is not needed any more.
    h.takeFetched(metainfo.infoHashHex);
    const savePath = await prepareSaveFolder(downloadFolder(h.settings(), input.savePath ?? h.labels.savePath(input.category)), metainfo);
    const torrent = this.create({ metainfo, savePath });
    torrent.addPeers(peers, 'magnet');
    h.labels.set(torrent.infoHash, input);
    if (input.skipFiles && input.skipFiles.length > 0) {
      torrent.setFilePriorities(input.skipFiles.map((index) => ({ index, priority: 'skip' as const })));
    }
    this.admit(torrent, !input.paused);
    // Only this torrent needs the queue's look (all of them would make adding thousands quadratic).
    h.policy.applyQueueAfter(torrent.infoHash);
    h.feed.flush();
    h.saveSoon();
    return { infoHash: torrent.infoHash, name: metainfo.name };
  }

  /** A saved magnet comes back as it was: its folder, files to skip, labels, options and when it was added. */
  async restoreMagnet(entry: SavedMagnet): Promise<void> {
    await this.#addMagnet(
      parseMagnet(entry.uri),
      { savePath: entry.savePath, paused: entry.paused, ...(entry.skipFiles ? { skipFiles: entry.skipFiles } : {}), ...(entry.category ? { category: entry.category } : {}), ...(entry.tags ? { tags: entry.tags } : {}) },
      entry.addedAt,
    );
    const restored = this.#h.torrents.get(parseMagnet(entry.uri).infoHashHex);
    if (entry.options) restored?.setOptions(entry.options);
    if (restored && entry.name !== undefined) restored.displayName = entry.name;
  }

  /** A new torrent joins the list and the queue's last place; `start`: it runs once it has a slot. */
  admit(torrent: Torrent, start: boolean): void {
    this.#h.torrents.set(torrent.infoHash, torrent);
    this.#h.feed.mark(torrent.infoHash);
    this.#h.policy.add(torrent.infoHash, start);
  }

  create(from: ({ metainfo: Metainfo; resume?: ResumeData; renamed?: readonly RenamedFile[] } | { magnet: Magnet; skipFiles?: readonly number[] }) & { savePath: string; addedAt?: number }): Torrent {
    const h = this.#h;
    const settings = h.settings();
    const torrent = new Torrent({
      ...from,
      peerId: h.peerId,
      listenPort: h.listenPort(),
      announcePort: () => h.externalPort(),
      ipv6: () => this.#ipv6Reach(),
      maxConnections: settings.maxConnectionsPerTorrent,
      encryption: () => h.settings().encryption ?? 'prefer',
      utp: () => h.sockets.utp,
      tcp: () => h.settings().tcp !== false,
      bandwidth: h.policy.bandwidth.forTorrent(),
      pex: () => h.settings().pex !== false,
      readCache: h.readCache,
      ...(settings.announceInterval ? { announceIntervalSec: settings.announceInterval } : {}),
      events: h.events,
    });
    h.applyBans(torrent);
    return torrent;
  }

  /** A magnet link's row, in state 'metadata' until its info dictionary arrives from peers; it joins the queue then. */
  async #addMagnet(magnet: Magnet, input: MagnetInput, addedAt?: number): Promise<CommandOutput<'addTorrent'>> {
    const h = this.#h;
    const known = h.torrents.get(magnet.infoHashHex)?.name;
    if (known !== undefined) throw new ShoalError('already-exists', `"${known}" is already in the list`);
    const savePath = await prepareSaveFolder(downloadFolder(h.settings(), input.savePath ?? h.labels.savePath(input.category)));
    const torrent = this.create({ magnet, savePath, ...(addedAt !== undefined ? { addedAt } : {}), ...(input.skipFiles ? { skipFiles: input.skipFiles } : {}) });
    h.torrents.set(torrent.infoHash, torrent);
    h.labels.set(torrent.infoHash, input);
    h.feed.mark(torrent.infoHash);
    if (!input.paused) void torrent.start();
    h.feed.flush();
    h.saveSoon();
    return { infoHash: torrent.infoHash, name: torrent.name };
  }

  /** What trackers may learn of our IPv6 side: asked at each announce, since addresses come and go. */
  #ipv6Reach(): IPv6Reach {
    if (!this.#h.sockets.acceptsIPv6) return { listening: false };
    const address = globalIPv6Address();
    return address === undefined ? { listening: true } : { listening: true, address };
  }
}
