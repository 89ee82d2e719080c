import type { CommandInput, CommandOutput } from '../../src-shared/contract';
import type { Torrent } from './torrent';

export interface TorrentActionHooks {
  /** The torrents named, each with its metainfo (a magnet still fetching it is refused with the user's sentence). */
  find(infoHashes: readonly string[]): Torrent[];
  /** The torrents named, in whatever phase. */
  findAny(infoHashes: readonly string[]): Torrent[];
  /** Something saved with the session changed. */
  changed(): void;
}

/**
 * The everyday commands on torrents that need nothing of the session but the torrents
 * themselves: trackers edited, announces asked for.
 */
export class TorrentActions {
  readonly #h: TorrentActionHooks;

  constructor(hooks: TorrentActionHooks) {
    this.#h = hooks;
  }

  async setTrackers(input: CommandInput<'setTrackers'>): Promise<CommandOutput<'setTrackers'>> {
    this.#h.find([input.infoHash])[0]!.setTrackers(input.tiers);
    this.#h.changed();
    return {};
  }

  async reannounce(input: CommandInput<'reannounce'>): Promise<CommandOutput<'reannounce'>> {
    for (const t of this.#h.findAny(input.infoHashes)) t.announcer.reannounce();
    return {};
  }
}
