import type { EventPayload, TorrentSummary } from '../../src-shared/contract';

export interface ListFeedOptions {
  /** A torrent's row as it is now; undefined once the torrent has left the session. */
  readonly row: (infoHash: string) => TorrentSummary | undefined;
  /** Every row, in the session's order. */
  readonly rows: () => TorrentSummary[];
  readonly send: (payload: EventPayload<'torrents'>) => void;
  /** A torrent was marked (something about it changed). */
  readonly marked?: (infoHash: string) => void;
}

/**
 * The torrent list as the front ends see it: the whole list for a new one, then only the rows that
 * changed, and the torrents removed. A torrent is marked when something its row shows changes
 * (state, progress, totals, peers, trackers' counts, queue place); `flush` sends the marked rows,
 * so an idle torrent costs nothing per tick. Rates are averages over a window of seconds and keep
 * changing after the last byte, so a row sent with a rate is sent again each flush until both
 * rates show 0.
 */
export class ListFeed {
  readonly #o: ListFeedOptions;
  readonly #marked = new Set<string>();
  /** Last sent with a download or upload rate above 0. */
  readonly #moving = new Set<string>();
  readonly #removed = new Set<string>();

  constructor(options: ListFeedOptions) {
    this.#o = options;
  }

  /** Something the torrent's row shows changed: it goes out with the next flush. */
  mark(infoHash: string): void {
    this.#marked.add(infoHash);
    this.#o.marked?.(infoHash);
  }

  /** The torrent left the session: its removal goes out with the next flush. */
  remove(infoHash: string): void {
    this.#marked.delete(infoHash);
    this.#moving.delete(infoHash);
    this.#removed.add(infoHash);
  }

  /** The whole list, for a front end that just connected. */
  full(): EventPayload<'torrents'> {
    return { full: true, changed: this.#o.rows(), removed: [] };
  }

  /** Sends the marked rows and the removals since the last flush; nothing when nothing changed. */
  flush(): void {
    const changed: TorrentSummary[] = [];
    for (const infoHash of new Set([...this.#marked, ...this.#moving])) {
      const row = this.#o.row(infoHash);
      if (!row) {
        this.#moving.delete(infoHash);
        continue;
      }
      changed.push(row);
      if (row.downRate > 0 || row.upRate > 0) this.#moving.add(infoHash);
      else this.#moving.delete(infoHash);
    }
    this.#marked.clear();
    const removed = [...this.#removed];
    this.#removed.clear();
    if (changed.length > 0 || removed.length > 0) this.#o.send({ full: false, changed, removed });
  }
}
