import type { ShareLimitAction, ShareLimits, TorrentOptions, TorrentState } from '../../../src-shared/contract';
import { sameShareLimits, shareLimitReached, shareRatio, type SeedingFigures, type ShareTotals } from './share-limits';

/** What the guard needs to see of a torrent, and the one thing it does to it. */
export interface GuardedTorrent {
  readonly infoHash: string;
  readonly state: TorrentState;
  readonly totals: ShareTotals;
  readonly bytesDone: number;
  /** False while a magnet still fetches its metadata: it has no bytes, so no ratio yet. */
  readonly hasMetainfo: boolean;
  readonly seedingTime: number;
  readonly options: Pick<TorrentOptions, 'shareLimits'>;
  chokeAll(): void;
}

export interface ShareLimitGuardOptions<T extends GuardedTorrent> {
  /** The global limits, for torrents without their own or their category's. */
  readonly globalLimits: () => ShareLimits;
  /** The limits of the torrent's category, null when it has none. */
  readonly categoryLimits?: (infoHash: string) => ShareLimits | null;
  readonly inactiveSeedingSeconds: (infoHash: string) => number;
  /** A seeding torrent reached its limits and has stopped serving: carry out the action. */
  readonly reached: (torrent: T, action: ShareLimitAction) => void;
}

/**
 * Stops seeding at the share limits. Checked per uploaded block (the ratio must hold to within a
 * piece at loopback speeds) and on a timer (seeding times). A torrent the user resumed past its
 * limits keeps seeding until the limits that apply to it change.
 */
export class ShareLimitGuard<T extends GuardedTorrent> {
  readonly #o: ShareLimitGuardOptions<T>;
  /** Torrents resumed by hand past their limits, with the limits they were past. */
  readonly #waived = new Map<string, ShareLimits>();
  /** Torrents these limits stopped, until resumed by hand. */
  readonly #stopped = new Set<string>();

  constructor(options: ShareLimitGuardOptions<T>) {
    this.#o = options;
  }

  #limitsOf(t: GuardedTorrent): ShareLimits {
    return t.options.shareLimits ?? this.#o.categoryLimits?.(t.infoHash) ?? this.#o.globalLimits();
  }

  check(t: T): void {
    if (t.state !== 'seeding') return; // a download is never stopped by share limits
    const limits = this.#limitsOf(t);
    const waived = this.#waived.get(t.infoHash);
    if (waived) {
      if (sameShareLimits(waived, limits)) return;
      this.#waived.delete(t.infoHash);
    }
    // Without limits, no figures to gather: the common case, for every seed every second.
    if (!anyLimit(limits)) return;
    if (!shareLimitReached(limits, this.#figures(t))) return;
    // Stop serving before anything else can send another block.
    t.chokeAll();
    this.#stopped.add(t.infoHash);
    this.#o.reached(t, limits.action);
  }

  /** Seeding with limits that apply to it: `check` may stop it as time passes. */
  limited(t: T): boolean {
    if (t.state !== 'seeding') return false;
    return anyLimit(this.#limitsOf(t));
  }

  /** The user resumed the torrent: if it is past its limits, their choice stands until the limits change. */
  resumedByHand(t: GuardedTorrent): void {
    this.#stopped.delete(t.infoHash);
    const limits = this.#limitsOf(t);
    if (shareLimitReached(limits, this.#figures(t))) this.#waived.set(t.infoHash, limits);
    else this.#waived.delete(t.infoHash);
  }

  /** The limits a hand resume waived, to save with the torrent. */
  waived(infoHash: string): ShareLimits | undefined {
    return this.#waived.get(infoHash);
  }

  /** Brings back a saved waiver: the user's choice outlives a restart. */
  restoreWaiver(infoHash: string, limits: ShareLimits): void {
    this.#waived.set(infoHash, limits);
  }

  /**
   * Paused because its limits were reached: stopped by them this run, or (after a restart) still
   * past them and not waived.
   */
  pausedByLimits(t: GuardedTorrent): boolean {
    if (t.state !== 'paused') return false;
    if (this.#stopped.has(t.infoHash)) return true;
    if (!t.hasMetainfo) return false;
    const waived = this.#waived.get(t.infoHash);
    const limits = this.#limitsOf(t);
    return (waived === undefined || !sameShareLimits(waived, limits)) && shareLimitReached(limits, this.#figures(t));
  }

  forget(infoHash: string): void {
    this.#stopped.delete(infoHash);
    this.#waived.delete(infoHash);
  }

  #figures(t: GuardedTorrent): SeedingFigures {
    return {
      ratio: shareRatio(t.totals, t.bytesDone),
      seedingSeconds: t.seedingTime,
      inactiveSeconds: this.#o.inactiveSeedingSeconds(t.infoHash),
    };
  }
}

function anyLimit(limits: ShareLimits): boolean {
  return limits.ratio !== null || limits.seedingTimeMinutes !== null || limits.inactiveSeedingTimeMinutes !== null;
}
