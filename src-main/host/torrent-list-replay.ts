import type { EventPayload, TorrentSummary } from '../../src-shared/contract';

/**
 * The latest row of every torrent, merged from the engine's `torrents` events, so a page that
 * loads (or reloads) after the engine connected can still start from a full list. The engine
 * stays the source of truth: rows are replaced wholesale, never computed here.
 */
export class TorrentListReplay {
  readonly #rows = new Map<string, TorrentSummary>();

  apply(event: EventPayload<'torrents'>): void {
    if (event.full) this.#rows.clear();
    for (const row of event.changed) this.#rows.set(row.infoHash, row);
    for (const infoHash of event.removed) this.#rows.delete(infoHash);
  }

  /** The whole list as one event that replaces whatever the receiver had. */
  snapshot(): EventPayload<'torrents'> {
    return { full: true, changed: [...this.#rows.values()], removed: [] };
  }
}
