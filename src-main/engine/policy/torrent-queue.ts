import type { QueueSettings, TorrentState } from '../../../src-shared/contract';
import { decideQueue, moveInOrder, type QueueMove } from './queue';

/** What the queue needs of a torrent. */
export interface QueuedTorrent {
  readonly infoHash: string;
  readonly state: TorrentState;
  readonly isComplete: boolean;
  start(): Promise<void>;
  pause(as: 'paused' | 'queued'): Promise<void>;
}

const RUNNING: ReadonlySet<TorrentState> = new Set(['checking', 'downloading', 'seeding']);

/**
 * The session's order of torrents, and which of them are in the queue: started by the user (or
 * added started) and not paused by hand, by a share limit or by an error since. `apply` lets the
 * first of them run up to the queue limits and holds the rest as 'queued'.
 */
export class TorrentQueue {
  #order: string[] = [];
  readonly #members = new Set<string>();
  /** Members started with "force start": they run whatever the limits. */
  readonly #forced = new Set<string>();
  /**
   * Each torrent's 1-based place, kept in step with `#order`: appending extends it in O(1) (adding
   * thousands of torrents stays linear); other reorders rebuild it on the next ask.
   */
  #positions: Map<string, number> | null = new Map();

  /** A new torrent goes to the end of the order; `member`: it should run when it can. */
  add(infoHash: string, member: boolean): void {
    const positions = this.#placeMap();
    if (!positions.has(infoHash)) {
      this.#order.push(infoHash);
      positions.set(infoHash, this.#order.length);
    }
    if (member) this.#members.add(infoHash);
  }

  /** Returns the torrents whose place changed. */
  remove(infoHash: string): string[] {
    this.leave(infoHash);
    return this.#reorder(this.#order.filter((h) => h !== infoHash));
  }

  /** A member again, under the queue's limits (a forced one is forced no more). */
  join(infoHash: string): void {
    this.#members.add(infoHash);
    this.#forced.delete(infoHash);
  }

  /** A member that runs whatever the queue's limits. */
  force(infoHash: string): void {
    this.#members.add(infoHash);
    this.#forced.add(infoHash);
  }

  isForced(infoHash: string): boolean {
    return this.#forced.has(infoHash);
  }

  leave(infoHash: string): void {
    this.#members.delete(infoHash);
    this.#forced.delete(infoHash);
  }

  /** Returns the torrents whose place changed. */
  move(infoHashes: readonly string[], to: QueueMove): string[] {
    return this.#reorder(moveInOrder(this.#order, new Set(infoHashes), to));
  }

  #reorder(next: string[]): string[] {
    const moved = next.filter((infoHash, i) => this.#order[i] !== infoHash);
    this.#order = next;
    this.#positions = null;
    return moved;
  }

  /** Each torrent's 1-based place in the session's order (paused ones keep theirs for when they resume). */
  positions(): ReadonlyMap<string, number> {
    return this.#placeMap();
  }

  #placeMap(): Map<string, number> {
    this.#positions ??= new Map(this.#order.map((infoHash, i) => [infoHash, i + 1]));
    return this.#positions;
  }

  /**
   * `apply` after only `infoHash` joined or was added at the end: with no queue limits every
   * member runs, so only this one needs a look (adding thousands of torrents stays linear);
   * with limits, the whole queue is decided again.
   */
  applyAfter<T extends QueuedTorrent>(infoHash: string, torrents: ReadonlyMap<string, T>, settings: QueueSettings, stalled: (t: T) => boolean): void {
    if (!unlimited(settings)) return this.apply(torrents, settings, stalled);
    const t = torrents.get(infoHash);
    if (t && this.#members.has(infoHash) && !RUNNING.has(t.state)) void t.start();
  }

  /** Starts the torrents that have a slot and holds the others as 'queued'. */
  apply<T extends QueuedTorrent>(torrents: ReadonlyMap<string, T>, settings: QueueSettings, stalled: (t: T) => boolean): void {
    if (unlimited(settings)) {
      // Every member runs: no entries to decide over, nothing allocated (this runs every second).
      for (const infoHash of this.#order) {
        if (!this.#members.has(infoHash)) continue;
        const t = torrents.get(infoHash);
        if (t && !RUNNING.has(t.state)) void t.start();
      }
      return;
    }
    const members: T[] = [];
    for (const infoHash of this.#order) {
      const t = torrents.get(infoHash);
      if (t && this.#members.has(infoHash)) members.push(t);
    }
    const run = decideQueue(
      members.map((t) => ({ id: t.infoHash, wants: t.isComplete ? 'seed' : 'download', stalled: RUNNING.has(t.state) && stalled(t), forced: this.#forced.has(t.infoHash) })),
      settings,
    );
    for (const t of members) {
      if (run.has(t.infoHash)) {
        if (!RUNNING.has(t.state)) void t.start();
      } else if (t.state !== 'queued') {
        void t.pause('queued');
      }
    }
  }
}

/** Queueing off: no limit on downloads, seeds or the total. */
/** No queue limit is set: every member runs, and nothing about the queue changes with time. */
export function unlimited(settings: QueueSettings): boolean {
  return settings.maxActiveDownloads === 0 && settings.maxActiveSeeds === 0 && settings.maxActiveTorrents === 0;
}
