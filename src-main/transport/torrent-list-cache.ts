import type { EventPayload, TorrentSummary } from '../../src-shared/contract';

/**
 * The torrent list as the engine last described it, so a relay can greet each new client with
 * the `full: true` snapshot the contract promises without asking the engine again.
 */
export class TorrentListCache {
  readonly #rows = new Map<string, TorrentSummary>();

  apply(update: EventPayload<'torrents'>): void {
    if (update.full) this.#rows.clear();
    for (const row of update.changed) this.#rows.set(row.infoHash, row);
    for (const hash of update.removed) this.#rows.delete(hash);
  }

  snapshot(): EventPayload<'torrents'> {
    return { full: true, changed: [...this.#rows.values()], removed: [] };
  }
}
