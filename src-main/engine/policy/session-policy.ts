import type { Settings, ShareLimitAction, ShareLimits } from '../../../src-shared/contract';
import { altSpeedScheduled } from '../bandwidth/alt-speed-schedule';
import { BandwidthLimiter } from '../bandwidth/bandwidth-limiter';
import type { QueueMove } from './queue';
import { ShareLimitGuard, type GuardedTorrent } from './share-limit-guard';
import { TorrentQueue, unlimited, type QueuedTorrent } from './torrent-queue';
import { TransferActivity, type ActivitySource } from './transfer-activity';

/** Downloading with nothing in for this long shows as "Stalled" (qBittorrent's stalledDL). */
const STALLED_AFTER_MS = 30_000;

/** What the session's rules need of a torrent. */
export type PolicyTorrent = QueuedTorrent & GuardedTorrent & ActivitySource;

export interface SessionPolicyOptions<T extends PolicyTorrent> {
  /** The session's settings as they are now (queue limits, share limits, speed limits and schedule). */
  readonly settings: () => Settings;
  /** Every torrent of the session, by info-hash. */
  readonly torrents: ReadonlyMap<string, T>;
  /** The torrents the tick visits: those whose activity may have changed since the last tick (default: all). */
  readonly busy?: () => Iterable<T>;
  /** The share limits of a torrent's category, null when it has none. */
  readonly categoryLimits?: (infoHash: string) => ShareLimits | null;
  /** A seed reached its share limits and stopped serving: the session carries out the action. */
  readonly shareLimitReached: (torrent: T, action: ShareLimitAction) => void;
  /** A torrent became stalled or stopped being so: its row changed. */
  readonly stalledChanged: (torrent: T) => void;
}

/**
 * The session's rules over its torrents, wired together: the queue (which run, with stalled ones
 * giving their slot away), the share limits (with the inactivity they need), and which speed
 * limit applies now (the alternative one by hand or by schedule).
 */
export class SessionPolicy<T extends PolicyTorrent> {
  /** Shared by every torrent; each takes its part with `forTorrent()`. */
  readonly bandwidth = new BandwidthLimiter();
  readonly #o: SessionPolicyOptions<T>;
  readonly #queue = new TorrentQueue();
  readonly #activity = new TransferActivity();
  readonly #shareLimits: ShareLimitGuard<T>;
  /** Downloading with nothing coming in (as of the last tick). */
  readonly #stalled = new Set<string>();

  constructor(options: SessionPolicyOptions<T>) {
    this.#o = options;
    this.#shareLimits = new ShareLimitGuard<T>({
      globalLimits: () => options.settings().shareLimits,
      ...(options.categoryLimits ? { categoryLimits: options.categoryLimits } : {}),
      inactiveSeedingSeconds: (infoHash) => this.#activity.inactiveSeedingSeconds(infoHash, Date.now()),
      reached: (t, action) => options.shareLimitReached(t, action),
    });
  }

  /** A new torrent takes the queue's last place; `start`: it runs once it has a slot. Call `applyQueue` after. */
  add(infoHash: string, start: boolean): void {
    this.#queue.add(infoHash, start);
  }

  /** Paused by hand, by a share limit or by an error: out of the queue until resumed. */
  leave(infoHash: string): void {
    this.#queue.leave(infoHash);
  }

  /** The user resumed it: back in the queue, and past its share limits it keeps seeding until they change. */
  resumedByHand(t: T): void {
    this.#shareLimits.resumedByHand(t);
    this.#queue.join(t.infoHash);
  }

  /** "Force start": it runs at once whatever the queue's limits, until paused or resumed normally. */
  forceStart(t: T): void {
    this.#shareLimits.resumedByHand(t);
    this.#queue.force(t.infoHash);
  }

  /** Restores a forced start from the saved session. */
  restoreForced(infoHash: string): void {
    this.#queue.force(infoHash);
  }

  /** The torrent left the session; returns the torrents whose place in the queue changed. */
  forget(infoHash: string): string[] {
    this.#activity.forget(infoHash);
    this.#stalled.delete(infoHash);
    this.#shareLimits.forget(infoHash);
    return this.#queue.remove(infoHash);
  }

  /** Returns the torrents whose place in the queue changed. */
  move(infoHashes: readonly string[], to: QueueMove): string[] {
    return this.#queue.move(infoHashes, to);
  }

  /** Each torrent's 1-based place in the queue, in queue order. */
  positions(): ReadonlyMap<string, number> {
    return this.#queue.positions();
  }

  /** Lets the queue's first torrents run up to the queue limits; the others wait as 'queued'. */
  applyQueue(): void {
    const queue = this.#o.settings().queue;
    const now = Date.now();
    this.#queue.apply(this.#o.torrents, queue, (t) => this.#activity.stalled(t, queue.stalledMinutes, now));
  }

  /** `applyQueue` after only `infoHash` was added or joined: without queue limits, only it is looked at. */
  applyQueueAfter(infoHash: string): void {
    const queue = this.#o.settings().queue;
    const now = Date.now();
    this.#queue.applyAfter(infoHash, this.#o.torrents, queue, (t) => this.#activity.stalled(t, queue.stalledMinutes, now));
  }

  /** Once a second: what moved, seeding-time limits, and the queue (stalled torrents give their slot away). */
  tick(): void {
    const now = Date.now();
    for (const t of this.#o.busy?.() ?? this.#o.torrents.values()) {
      this.#activity.sample(t, now);
      this.#shareLimits.check(t);
      if (this.#activity.downloadStalled(t, STALLED_AFTER_MS, now) !== this.#stalled.has(t.infoHash)) {
        if (!this.#stalled.delete(t.infoHash)) this.#stalled.add(t.infoHash);
        this.#o.stalledChanged(t);
      }
    }
    // Without limits every member runs, and what starts or stops one (adding, resuming, a task's
    // end, a failure, the settings) applies the queue then: nothing to look at every second for
    // thousands of torrents. With limits, stalled torrents give their slot away as time passes.
    if (!unlimited(this.#o.settings().queue)) this.applyQueue();
  }

  /** The tick must visit the torrent even when nothing about it changes: it seeds under share limits (seeding times grow by themselves). */
  timed(t: T): boolean {
    return this.#shareLimits.limited(t);
  }

  /** A block went out: the ratio must hold to within a piece, so it is checked now, not on the tick. */
  uploaded(t: T): void {
    this.#shareLimits.check(t);
  }

  /** What the list row says beyond the torrent's state: stalled, paused by its share limits, force started. */
  marks(t: T): { stalled: boolean; limitReached: boolean; forced: boolean } {
    return { stalled: t.state === 'downloading' && this.#stalled.has(t.infoHash), limitReached: this.#shareLimits.pausedByLimits(t), forced: this.#queue.isForced(t.infoHash) };
  }

  /** The torrents in the queue's order, each with the share limits a hand resume waived and whether it was forced: what a save keeps. */
  inQueueOrder(): { torrent: T; waived: ShareLimits | undefined; forced: boolean }[] {
    return [...this.#queue.positions().keys()].flatMap((infoHash) => {
      const torrent = this.#o.torrents.get(infoHash);
      return torrent ? [{ torrent, waived: this.#shareLimits.waived(infoHash), forced: this.#queue.isForced(infoHash) }] : [];
    });
  }

  restoreWaiver(infoHash: string, limits: ShareLimits): void {
    this.#shareLimits.restoreWaiver(infoHash, limits);
  }

  /** The alternative limits apply when switched on by hand or by the schedule. */
  altSpeedActive(): boolean {
    const settings = this.#o.settings();
    return settings.altSpeedEnabled || altSpeedScheduled(settings.altSpeedSchedule, new Date());
  }

  /** Sets the session-wide limit that applies now; the schedule is in whole minutes, so a minute's timer keeps it true. */
  applySpeedLimits(): void {
    const settings = this.#o.settings();
    this.bandwidth.setLimit(this.altSpeedActive() ? settings.altSpeedLimit : settings.speedLimit);
  }
}
