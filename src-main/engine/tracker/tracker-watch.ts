import type { Announcer } from './announcer';

export interface TrackerWatchEvents {
  /** The trackers' counts (seeders, leechers, completed) the torrent's row shows changed. */
  changed(): void;
  log(message: string): void;
}

/**
 * Watches a torrent's trackers: says when the counts its row shows change (most answers leave
 * them as they were), and logs each new tracker error once and when that tracker answers again,
 * so a dead tracker is visible, not silent.
 */
export class TrackerWatch {
  readonly #events: TrackerWatchEvents;
  readonly #errors = new Map<string, string>();
  /** The counts last told as a change. */
  #healthSeen = '';

  constructor(events: TrackerWatchEvents) {
    this.#events = events;
  }

  /** The announcer's statuses may have changed. */
  update(announcer: Announcer): void {
    const h = announcer.health();
    const seen = h ? `${h.seeders} ${h.leechers} ${h.downloaded}` : '';
    if (seen !== this.#healthSeen) {
      this.#healthSeen = seen;
      this.#events.changed();
    }
    for (const status of announcer.statuses()) {
      const said = this.#errors.get(status.url);
      if (status.state === 'error' && status.message && status.message !== said) {
        this.#errors.set(status.url, status.message);
        this.#events.log(`tracker ${status.url}: ${status.message}`);
      } else if (status.state === 'working' && said !== undefined) {
        this.#errors.delete(status.url);
        this.#events.log(`tracker ${status.url} answers again`);
      }
    }
  }
}
