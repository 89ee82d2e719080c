import { limits, type EventPayload, type LogEntry } from '../../src-shared/contract';

type Notice = EventPayload<'notice'>;

/**
 * The engine's last notices (errors, finished, share limits reached), numbered in order with
 * their time and the torrent's name then, so a front end that (re)connects can show what
 * happened before it did. Bounded: the oldest go first.
 */
export class NoticeLog {
  readonly #entries: LogEntry[] = [];
  readonly #capacity: number;
  #nextId = 1;

  constructor(capacity: number = limits.logEntries) {
    this.#capacity = Math.min(capacity, limits.logEntries);
  }

  /** Keeps the notice; returns it with its place in the log, as it goes out to front ends. */
  add(notice: Notice, name: string | undefined, at = Date.now()): Notice {
    const entry: LogEntry = {
      id: this.#nextId++,
      at,
      kind: notice.kind,
      message: notice.message,
      ...(notice.infoHash !== undefined ? { infoHash: notice.infoHash } : {}),
      ...(name !== undefined ? { name } : {}),
    };
    this.#entries.push(entry);
    if (this.#entries.length > this.#capacity) this.#entries.splice(0, this.#entries.length - this.#capacity);
    return { ...notice, id: entry.id, at, ...(name !== undefined ? { name } : {}) };
  }

  /** Oldest first. */
  entries(): LogEntry[] {
    return [...this.#entries];
  }
}
