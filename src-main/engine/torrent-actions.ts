import type { CommandInput, CommandOutput } from '../../src-shared/contract';
import type { ListFeed } from './list-feed';
import type { SessionPolicy } from './policy/session-policy';
import type { Torrent } from './torrent';

export interface TorrentActionHooks {
  /** The torrents named, each with its metainfo (a magnet still fetching it is refused with the user's sentence). */
  find(infoHashes: readonly string[]): Torrent[];
  /** The torrents named, in whatever phase. */
  findAny(infoHashes: readonly string[]): Torrent[];
  /** Something saved with the session changed. */
  saveSoon(): void;
  readonly policy: Pick<SessionPolicy<Torrent>, 'forceStart'>;
  /** The list rows to send again. */
  readonly feed: Pick<ListFeed, 'mark'>;
  /** Torrents came, went or changed state: the queue, the list and the saved session follow. */
  settle(): void;
}

/**
 * The everyday commands on torrents that need nothing of the session but the torrents
 * themselves: trackers edited, announces asked for, force start, magnet links.
 */
export class TorrentActions {
  readonly #h: TorrentActionHooks;

  constructor(hooks: TorrentActionHooks) {
    this.#h = hooks;
  }

  async setTrackers(input: CommandInput<'setTrackers'>): Promise<CommandOutput<'setTrackers'>> {
    this.#h.find([input.infoHash])[0]!.setTrackers(input.tiers);
    this.#h.saveSoon();
    return {};
  }

  async reannounce(input: CommandInput<'reannounce'>): Promise<CommandOutput<'reannounce'>> {
    for (const t of this.#h.findAny(input.infoHashes)) t.announcer.reannounce();
    return {};
  }

  async forceStart(input: CommandInput<'forceStart'>): Promise<CommandOutput<'forceStart'>> {
    for (const t of this.#h.findAny(input.infoHashes)) {
      // A magnet fetching its metadata is outside the queue until its metadata arrives.
      if (t.hasMetainfo) this.#h.policy.forceStart(t);
      else void t.start();
      this.#h.feed.mark(t.infoHash);
    }
    this.#h.settle();
    return {};
  }

  async getMagnetLinks(input: CommandInput<'getMagnetLinks'>): Promise<CommandOutput<'getMagnetLinks'>> {
    return { links: this.#h.findAny(input.infoHashes).map((t) => t.magnetLink) };
  }
}
