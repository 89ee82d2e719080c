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
  /** No tracker works and one failed, with its sentence: said once until a tracker answers again. */
  failing(problem: string): void;
}

/**
 * Watches a torrent's trackers: says when the counts its row shows change (most answers leave
 * them as they were), logs each new tracker error once and when that tracker answers again, and
 * tells once when no tracker works, so a dead tracker is visible, not silent.
 */
export class TrackerWatch {
  readonly #events: TrackerWatchEvents;
  readonly #errors = new Map<string, string>();
  /** The counts last told as a change. */
  #healthSeen = '';
  #problemSeen: string | null = null;
  /** The user was told no tracker works; not again until one does. */
  #failingTold = false;

  constructor(events: TrackerWatchEvents) {
    this.#events = events;
  }

  /** The announcer's statuses may have changed. */
  update(announcer: Pick<Announcer, 'health' | 'statuses'>): void {
    const h = announcer.health();
    const seen = h ? `${h.seeders} ${h.leechers} ${h.downloaded}` : '';
    const statuses = announcer.statuses();
    const problem = trackerProblem(statuses);
    if (seen !== this.#healthSeen || problem !== this.#problemSeen) {
      this.#healthSeen = seen;
      this.#problemSeen = problem;
      this.#events.changed();
    }
    // Each failed announce passes through 'announcing' (no problem shown for a moment): only an
    // answer ends the failure, so a dead tracker is told once, not at every retry.
    if (statuses.some((s) => s.state === 'working')) this.#failingTold = false;
    else if (problem !== null && !this.#failingTold) {
      this.#failingTold = true;
      this.#events.failing(problem);
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
