import { limits, type CommandInput, type CommandOutput, type Settings } from '../../src-shared/contract';
import { ShoalError } from '../../src-shared/errors';
import { addressKey, addressOfKey, parseHostPort, type PeerAddress } from './net/peer-address';
import type { ListFeed } from './list-feed';
import type { SessionPolicy } from './policy/session-policy';
import type { Torrent } from './torrent';
import { TorrentLabels } from './torrent-labels';

export interface TorrentActionHooks {
  /** The torrents named, each with its metainfo (a magnet still fetching it is refused with the user's sentence). */
  find(infoHashes: readonly string[]): Torrent[];
  /** The torrents named, in whatever phase. */
  findAny(infoHashes: readonly string[]): Torrent[];
  /** Something saved with the session changed. */
  saveSoon(): void;
  /** Saves now; rejects if the save fails (for steps that must not go on unsaved). */
  saveNow(): Promise<void>;
  readonly policy: Pick<SessionPolicy<Torrent>, 'forceStart'>;
  /** The list rows to send again. */
  readonly feed: Pick<ListFeed, 'mark'>;
  /** Torrents came, went or changed state: the queue, the list and the saved session follow. */
  settle(): void;
  /** Every torrent of the session. */
  all(): Iterable<Torrent>;
  /** The session's settings now (banned peers, categories). */
  settings(): Settings;
  saveBanned(banned: string[]): Promise<unknown>;
}

/**
 * The everyday commands on torrents that need nothing of the session but the torrents
 * themselves: trackers edited, announces asked for, force start, magnet links, peers added and
 * banned, categories and tags, names.
 */
export class TorrentActions {
  readonly #h: TorrentActionHooks;
  readonly labels: TorrentLabels;

  constructor(hooks: TorrentActionHooks) {
    this.#h = hooks;
    this.labels = new TorrentLabels(() => hooks.settings());
  }

  async setLabels(input: CommandInput<'setLabels'>): Promise<CommandOutput<'setLabels'>> {
    const found = this.#h.findAny(input.infoHashes);
    // Checked for all before any changes, so a bad category changes nothing.
    if (typeof input.category === 'string') this.labels.savePath(input.category);
    for (const t of found) {
      this.labels.change(t.infoHash, input);
      this.#h.feed.mark(t.infoHash);
    }
    this.#h.saveSoon();
    return {};
  }

  async renameTorrent(input: CommandInput<'renameTorrent'>): Promise<CommandOutput<'renameTorrent'>> {
    const t = this.#h.findAny([input.infoHash])[0]!;
    t.displayName = null;
    // Its own name again needs nothing kept.
    if (input.name !== null && input.name !== t.name) t.displayName = input.name;
    this.#h.feed.mark(t.infoHash);
    this.#h.saveSoon();
    return {};
  }

  /** Renames on disk and saves the new names before answering; the torrent trades again afterwards if it was. */
  async renameFile(input: CommandInput<'renameFile'>): Promise<CommandOutput<'renameFile'>> {
    const t = this.#h.find([input.infoHash])[0]!;
    const renaming = t.renameFile(input.path, input.name, () => this.#h.saveNow());
    this.#h.feed.mark(t.infoHash);
    try {
      await renaming;
    } finally {
      this.#h.settle();
    }
    return {};
  }

  async setTrackers(input: CommandInput<'setTrackers'>): Promise<CommandOutput<'setTrackers'>> {
    this.#h.find([input.infoHash])[0]!.setTrackers(input.tiers);
    this.#h.saveSoon();
    return {};
  }

  /** A duplicate's trackers join the torrent in the list, each new one as a tier of its own after its tiers (as qBittorrent merges them). */
  async addTrackers(input: CommandInput<'addTrackers'>): Promise<CommandOutput<'addTrackers'>> {
    const t = this.#h.find([input.infoHash])[0]!;
    const tiers = t.announcer.tiers;
    const have = new Set(tiers.flat());
    const fresh = [...new Set(input.urls)].filter((url) => !have.has(url));
    if (fresh.length === 0) return { added: 0 };
    if (have.size + fresh.length > limits.trackers) throw new ShoalError('invalid-input', `"${t.name}" would have more than ${limits.trackers} trackers; remove some first`);
    t.setTrackers([...tiers.map((tier) => [...tier]), ...fresh.map((url) => [url])]);
    this.#h.saveSoon();
    return { added: fresh.length };
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

  async addPeer(input: CommandInput<'addPeer'>): Promise<CommandOutput<'addPeer'>> {
    const address = peerAddress(input.address);
    for (const t of this.#h.findAny(input.infoHashes)) t.addPeers([address], 'manual');
    return {};
  }

  /** Bans the peer in every torrent now and keeps it in the settings, so torrents added or restored later refuse it too. */
  async banPeer(input: CommandInput<'banPeer'>): Promise<CommandOutput<'banPeer'>> {
    const address = peerAddress(input.address);
    for (const t of this.#h.all()) t.swarm.ban(address, 'banned by the user');
    const key = addressKey(address);
    const banned = (this.#h.settings().bannedPeers ?? []);
    if (!banned.includes(key)) await this.#h.saveBanned([...banned, key]);
    return {};
  }

  /** A torrent joining the session refuses the peers the user banned. */
  applyBans(t: Torrent): void {
    for (const key of (this.#h.settings().bannedPeers ?? [])) {
      const address = addressOfKey(key);
      if (address) t.swarm.ban(address, 'banned by the user');
    }
  }
}

/** HOST:PORT as typed by the user, or the sentence saying how to write it. */
function peerAddress(text: string): PeerAddress {
  const address = parseHostPort(text.trim());
  if (!address) throw new ShoalError('invalid-input', `"${text.slice(0, 100)}" is not a peer address: write HOST:PORT, such as 192.168.1.20:51413 or [2001:db8::1]:6881`);
  return address;
}
