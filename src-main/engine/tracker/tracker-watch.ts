import type { Announcer, TrackerStatus } from './announcer';

/** While no tracker works and one failed, the first failure's sentence (the row shows it); else null. */
export function trackerProblem(statuses: readonly TrackerStatus[]): string | null {
  let problem: string | null = null;
  for (const s of statuses) {
    if (s.state === 'working') return null;
    if (problem === null && s.state === 'error') problem = s.message ?? 'The tracker request failed.';
  }
  return problem;
}

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
  #problemSeen: string | null = null;

  constructor(events: TrackerWatchEvents) {
    this.#events = events;
  }

  /** The announcer's statuses may have changed. */
  update(announcer: Announcer): void {
    const h = announcer.health();
    const seen = h ? `${h.seeders} ${h.leechers} ${h.downloaded}` : '';
    const statuses = announcer.statuses();
    const problem = trackerProblem(statuses);
    if (seen !== this.#healthSeen || problem !== this.#problemSeen) {
      this.#healthSeen = seen;
      this.#problemSeen = problem;
      this.#events.changed();
    }
    for (const status of statuses) {
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
