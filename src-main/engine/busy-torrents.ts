import type { TorrentState } from '../../src-shared/contract';
import type { SessionMeters } from './session-meters';
import type { Torrent } from './torrent';

/**
 * The torrents the session's once-a-second passes (meters, policy, status) visit: those something
 * happened to since they were last found at rest. A torrent joins when its list row is marked (a
 * peer came or left, a block moved, its state changed, its labels changed) and leaves after a pass
 * that finds it at rest; thousands of idle seeds then cost nothing per second.
 */
export class BusyTorrents<T extends { readonly infoHash: string }> {
  readonly #torrents: ReadonlyMap<string, T>;
  readonly #atRest: (t: T) => boolean;
  readonly #busy = new Set<string>();

  /** `atRest`: nothing about the torrent changes with time alone (no peers, no timed rule, nothing to check). */
  constructor(torrents: ReadonlyMap<string, T>, atRest: (t: T) => boolean) {
    this.#torrents = torrents;
    this.#atRest = atRest;
  }

  /** Something about the torrent changed: the next passes visit it. */
  add(infoHash: string): void {
    this.#busy.add(infoHash);
  }

  /** Something that concerns every torrent changed (the settings): the next passes visit them all. */
  addAll(): void {
    for (const infoHash of this.#torrents.keys()) this.#busy.add(infoHash);
  }

  /** The torrents to visit, those still in the session. */
  *values(): Generator<T> {
    for (const infoHash of this.#busy) {
      const t = this.#torrents.get(infoHash);
      if (t !== undefined) yield t;
    }
  }

  /** After the second's passes: torrents at rest (and those gone from the session) are not visited again until they change. */
  settle(): void {
    for (const infoHash of this.#busy) {
      const t = this.#torrents.get(infoHash);
      if (t === undefined || this.#atRest(t)) this.#busy.delete(infoHash);
    }
  }
}

/** States a torrent stays in until something happens to it. */
const RESTING: ReadonlySet<TorrentState> = new Set(['seeding', 'paused', 'queued', 'error']);

/** Nothing about the torrent changes with time alone: no peers, nothing to check or fetch, no speed history to extend, no share limit to watch. */
export function atRest<T extends Pick<Torrent, 'infoHash' | 'peerCount' | 'state'>>(t: T, meters: Pick<SessionMeters, 'keepsHistory'>, policy: { timed(t: T): boolean }): boolean {
  return t.peerCount === 0 && RESTING.has(t.state) && !meters.keepsHistory(t.infoHash) && !policy.timed(t);
}
