import type { SwarmTotals } from './swarm/swarm';

export interface TransferTotals {
  readonly uploaded: number;
  readonly downloaded: number;
  readonly wasted: number;
}

/** What a torrent counts over its whole life, earlier sessions included: bytes moved and time spent seeding. */
export class TorrentLifetime {
  /** Transfer totals from earlier sessions, which this session's add to. */
  #earlier: TransferTotals = { uploaded: 0, downloaded: 0, wasted: 0 };
  /** Seeding time before the current seeding stretch, and when that stretch began. */
  #seedingMsBefore = 0;
  #seedingSince: number | null = null;

  /** Takes over what earlier sessions counted (from the saved session). */
  carryOver(totals: TransferTotals, seedingSeconds: number): void {
    this.#earlier = { ...totals };
    this.#seedingMsBefore = seedingSeconds * 1000;
  }

  /** The earlier sessions' totals plus `now`, this session's. */
  totals(now: SwarmTotals): TransferTotals {
    const e = this.#earlier;
    return { uploaded: e.uploaded + now.uploaded, downloaded: e.downloaded + now.downloaded, wasted: e.wasted + now.wasted };
  }

  /** Seconds spent seeding, the current stretch included. */
  get seedingTime(): number {
    const current = this.#seedingSince === null ? 0 : Date.now() - this.#seedingSince;
    return Math.floor((this.#seedingMsBefore + current) / 1000);
  }

  /** The torrent seeds from now on, or no longer does: a stretch begins or ends. */
  seeding(seeding: boolean): void {
    if (seeding && this.#seedingSince === null) this.#seedingSince = Date.now();
    if (!seeding && this.#seedingSince !== null) {
      this.#seedingMsBefore += Date.now() - this.#seedingSince;
      this.#seedingSince = null;
    }
  }
}
