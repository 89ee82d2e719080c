import type { StorageFile } from './safe-open';

interface Entry {
  readonly key: number;
  readonly handle: Promise<StorageFile | undefined>;
  users: number;
}

/** Opens file number `file` for reading, or for writing too; `undefined` when reading a missing file. */
export type OpenByIndex = (file: number, writable: boolean) => Promise<StorageFile | undefined>;

/**
 * A bounded LRU of open file handles, so a torrent of thousands of files never holds thousands of
 * descriptors. A handle in use is never closed under its user; the pool may briefly exceed its
 * capacity while every handle is busy and shrinks back as they are released.
 */
export class HandlePool {
  readonly #capacity: number;
  readonly #open: OpenByIndex;
  /** Map order is recency order: the first entry is the least recently used. */
  readonly #entries = new Map<number, Entry>();
  /** Set by `closeAll`: handles still in use close as soon as their last user is done. */
  #closing = false;
  /** The entry last put at the end of `#entries` (it may have left the map since). */
  #newest: Entry | undefined;

  constructor(open: OpenByIndex, capacity = 64) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`invalid handle pool capacity ${capacity}`);
    this.#open = open;
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Runs `fn` with an open handle of `file`. A reader reuses a writable handle when one is open.
   * `fn` receives `undefined` when reading a file that does not exist.
   */
  async use<T>(file: number, writable: boolean, fn: (handle: StorageFile | undefined) => Promise<T>): Promise<T> {
    const entry = (!writable && this.#touch(file * 2 + 1)) || this.#touch(file * 2 + (writable ? 1 : 0)) || this.#add(file, writable);
    entry.users++;
    this.#evict();
    try {
      return await fn(await entry.handle);
    } finally {
      entry.users--;
      if (this.#closing && entry.users === 0) {
        this.#forget(entry);
        void closeQuietly(entry.handle);
      } else {
        this.#evict();
      }
    }
  }

  /**
   * Closes every handle: idle ones now, busy ones when their use ends. Later uses still work but
   * keep nothing open, so nothing leaks after a torrent's storage is closed.
   */
  async closeAll(): Promise<void> {
    this.#closing = true;
    const entries = [...this.#entries.values()].filter((e) => e.users === 0);
    for (const e of entries) this.#entries.delete(e.key);
    await Promise.all(entries.map((e) => closeQuietly(e.handle)));
  }

  /** Closes the handles of one file, e.g. before it is truncated by another handle. */
  async closeFile(file: number): Promise<void> {
    const entries = [file * 2, file * 2 + 1].map((k) => this.#entries.get(k)).filter((e): e is Entry => e !== undefined && e.users === 0);
    for (const e of entries) this.#entries.delete(e.key);
    await Promise.all(entries.map((e) => closeQuietly(e.handle)));
  }

  #touch(key: number): Entry | undefined {
    const entry = this.#entries.get(key);
    // Moved to the end unless it is there already: a download writes to one file over and over,
    // and each move leaves the map's table a deleted slot, so it is rebuilt every few hundred uses.
    if (entry && this.#newest !== entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      this.#newest = entry;
    }
    return entry;
  }

  #add(file: number, writable: boolean): Entry {
    const key = file * 2 + (writable ? 1 : 0);
    const entry: Entry = { key, handle: this.#open(file, writable), users: 0 };
    // A failed or empty open is not cached: the next use retries (the file may appear, space may free up).
    entry.handle.then(
      (h) => {
        if (h === undefined) this.#forget(entry);
      },
      () => this.#forget(entry),
    );
    this.#entries.set(key, entry);
    this.#newest = entry;
    return entry;
  }

  #forget(entry: Entry): void {
    if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
  }

  #evict(): void {
    if (this.#entries.size <= this.#capacity) return;
    for (const entry of this.#entries.values()) {
      if (this.#entries.size <= this.#capacity) break;
      if (entry.users > 0) continue;
      this.#entries.delete(entry.key);
      void closeQuietly(entry.handle);
    }
  }
}

/** Closing only releases a descriptor; its failure (or a failed open) has nothing left to lose. */
async function closeQuietly(handle: Promise<StorageFile | undefined>): Promise<void> {
  try {
    await (await handle)?.close();
  } catch {
    // Nothing to recover: the data was already written or never opened.
  }
}
