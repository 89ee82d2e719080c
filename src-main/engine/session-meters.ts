import type { SpeedHistory as SpeedHistoryData, SpeedSpan, TransferStats, TransferTotals } from '../../src-shared/contract';
import { SpeedHistory } from './speed-history';
import type { Torrent } from './torrent';
import * as views from './torrent-views';

const none: TransferTotals = { downloaded: 0, uploaded: 0 };

/**
 * The session's meters, read once a second: download and upload rates, overall and per torrent,
 * kept for the speed graphs; and the bytes moved this session and all time. A torrent's history is
 * kept only while it moves data (and 30 minutes after), so idle torrents cost no memory.
 */
export class SessionMeters {
  readonly #overall = new SpeedHistory();
  readonly #perTorrent = new Map<string, SpeedHistory>();
  /** Each torrent's swarm totals (this session's bytes) as far as counted into `#session`. */
  readonly #counted = new WeakMap<Torrent, TransferTotals>();
  #session: TransferTotals = none;
  /** What sessions before this one moved. */
  #earlier: TransferTotals = none;
  #rates = { down: 0, up: 0 };
  readonly #startedAt = Date.now();

  /** Takes over the all-time totals saved by earlier sessions. */
  carryOver(allTime: TransferTotals): void {
    this.#earlier = { ...allTime };
  }

  /** Reads the torrents' rates and totals, once a second: every torrent whose rates or totals may have changed since the last sample, or that has a history. */
  sample(torrents: Iterable<Torrent>, now = Date.now()): void {
    let down = 0;
    let up = 0;
    for (const t of torrents) {
      const r = views.rates(t, now);
      down += r.down;
      up += r.up;
      this.#count(t);
      let history = this.#perTorrent.get(t.infoHash);
      if (history === undefined && (r.down > 0 || r.up > 0)) this.#perTorrent.set(t.infoHash, (history = new SpeedHistory()));
      history?.record(r.down, r.up, now);
      if (history?.idleSince(now)) this.#perTorrent.delete(t.infoHash);
    }
    this.#overall.record(down, up, now);
    this.#rates = { down, up };
  }

  /** The torrent's speed history is kept (it moved data in the last 30 minutes): it needs a sample every second. */
  keepsHistory(infoHash: string): boolean {
    return this.#perTorrent.has(infoHash);
  }

  /** The torrent leaves the session: what it moved stays counted, its history goes. */
  forget(t: Torrent): void {
    this.#count(t);
    this.#perTorrent.delete(t.infoHash);
  }

  /** The rates at the last sample, all torrents together. */
  get rates(): { readonly down: number; readonly up: number } {
    return this.#rates;
  }

  get allTime(): TransferTotals {
    return { downloaded: this.#earlier.downloaded + this.#session.downloaded, uploaded: this.#earlier.uploaded + this.#session.uploaded };
  }

  get transfer(): TransferStats {
    return { session: { ...this.#session }, allTime: this.allTime, sessionStartedAt: this.#startedAt };
  }

  /** The whole session's (null) or a torrent's rates over the span; a torrent idle all that time has zeros. */
  history(infoHash: string | null, span: SpeedSpan): SpeedHistoryData {
    const overall = this.#overall.window(span);
    if (infoHash === null) return overall;
    const own = this.#perTorrent.get(infoHash);
    if (own) return own.window(span);
    const zeros = overall.down.map(() => 0);
    return { ...overall, down: zeros, up: [...zeros] };
  }

  #count(t: Torrent): void {
    const now = t.swarm.totals;
    const before = this.#counted.get(t) ?? none;
    const downloaded = now.downloaded - before.downloaded;
    const uploaded = now.uploaded - before.uploaded;
    if (downloaded === 0 && uploaded === 0) return;
    this.#counted.set(t, { downloaded: now.downloaded, uploaded: now.uploaded });
    this.#session = { downloaded: this.#session.downloaded + downloaded, uploaded: this.#session.uploaded + uploaded };
  }
}
