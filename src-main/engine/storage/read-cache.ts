/** Counters for tests and the UI's cache figures. */
export interface ReadCacheStats {
  hits: number;
  misses: number;
  /** Bytes held now; never above the budget. */
  bytes: number;
  entries: number;
}

/** The whole session's figures: the same counters, and the budget they live under. */
export interface ReadCachePoolStats extends ReadCacheStats {
  budget: number;
}

/** A cached chunk, on the pool's recency list and in its torrent's map. */
interface Entry {
  readonly owner: ReadCache;
  readonly key: number;
  readonly chunk: Buffer;
  prev: Entry | null;
  next: Entry | null;
}

/**
 * One byte budget for every torrent's read cache: the least recently used chunk goes first,
 * whichever torrent holds it, so a thousand seeds share one budget rather than each having its
 * own. The budget may change while running (a setting); shrinking evicts at once.
 */
export class ReadCachePool {
  #budget: number;
  #bytes = 0;
  #entries = 0;
  #hits = 0;
  #misses = 0;
  /** Least recently used first. */
  #head: Entry | null = null;
  #tail: Entry | null = null;

  constructor(budget: number) {
    checkBudget(budget);
    this.#budget = budget;
  }

  get budget(): number {
    return this.#budget;
  }

  get stats(): ReadCachePoolStats {
    return { hits: this.#hits, misses: this.#misses, bytes: this.#bytes, entries: this.#entries, budget: this.#budget };
  }

  resize(budget: number): void {
    checkBudget(budget);
    this.#budget = budget;
    this.#evictTo(budget);
  }

  /** @internal for ReadCache: counts a lookup. */
  counted(hit: boolean): void {
    if (hit) this.#hits++;
    else this.#misses++;
  }

  /** @internal for ReadCache: keeps `chunk` if it fits the budget, evicting the least recently used. */
  insert(owner: ReadCache, key: number, chunk: Buffer): Entry | null {
    if (chunk.length > this.#budget) return null;
    this.#evictTo(this.#budget - chunk.length);
    const entry: Entry = { owner, key, chunk, prev: this.#tail, next: null };
    if (this.#tail) this.#tail.next = entry;
    else this.#head = entry;
    this.#tail = entry;
    this.#bytes += chunk.length;
    this.#entries++;
    return entry;
  }

  /** @internal for ReadCache: the entry was used; it becomes the most recent. */
  touch(entry: Entry): void {
    if (this.#tail === entry) return;
    this.#unlink(entry);
    entry.prev = this.#tail;
    entry.next = null;
    if (this.#tail) this.#tail.next = entry;
    else this.#head = entry;
    this.#tail = entry;
  }

  /** @internal for ReadCache: the entry leaves the pool. */
  drop(entry: Entry): void {
    this.#unlink(entry);
    this.#bytes -= entry.chunk.length;
    this.#entries--;
  }

  #evictTo(bytes: number): void {
    while (this.#head && this.#bytes > bytes) {
      const oldest = this.#head;
      this.drop(oldest);
      oldest.owner.evicted(oldest);
    }
  }

  #unlink(entry: Entry): void {
    if (entry.prev) entry.prev.next = entry.next;
    else this.#head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.#tail = entry.prev;
    entry.prev = null;
    entry.next = null;
  }
}

/**
 * One torrent's read cache: chunks by key (their offset), under the byte budget of the pool it
 * shares with the other torrents (or a pool of its own when given a number). Concurrent misses on
 * one chunk share one load, and at most `maxLoads` loads run at once (the rest queue), so a burst
 * of requests for distinct pieces from many peers cannot allocate chunk after chunk beyond the
 * budget. Chunks larger than the whole budget are loaded and handed out but not kept.
 */
export class ReadCache {
  readonly pool: ReadCachePool;
  readonly #chunks = new Map<number, Entry>();
  readonly #loading = new Map<number, Promise<Buffer>>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  /** Bumped by `clear()`, so a load that started before it does not repopulate the cache. */
  #generation = 0;
  readonly #maxLoads: number;
  #loads = 0;
  readonly #loadQueue: (() => void)[] = [];

  constructor(pool: ReadCachePool | number, maxLoads = 8) {
    if (!Number.isSafeInteger(maxLoads) || maxLoads < 1) throw new RangeError(`invalid concurrent load limit ${maxLoads}`);
    this.pool = typeof pool === 'number' ? new ReadCachePool(pool) : pool;
    this.#maxLoads = maxLoads;
  }

  /** This torrent's part: its own lookups and the bytes it holds in the pool now. */
  get stats(): ReadCacheStats {
    return { hits: this.#hits, misses: this.#misses, bytes: this.#bytes, entries: this.#chunks.size };
  }

  /** The chunk under `key`, loading `size` bytes with `load` on a miss. Callers must not modify it. */
  async get(key: number, size: number, load: (into: Buffer) => Promise<void>): Promise<Buffer> {
    const cached = this.#chunks.get(key);
    if (cached !== undefined) {
      this.#count(true);
      this.pool.touch(cached);
      return cached.chunk;
    }
    const pending = this.#loading.get(key);
    if (pending !== undefined) {
      this.#count(true);
      return pending;
    }
    this.#count(false);
    const generation = this.#generation;
    const loading = (async () => {
      if (this.#loads >= this.#maxLoads) await new Promise<void>((resolve) => this.#loadQueue.push(resolve));
      this.#loads++;
      try {
        const chunk = Buffer.allocUnsafe(size);
        await load(chunk);
        return chunk;
      } finally {
        this.#loads--;
        this.#loadQueue.shift()?.();
      }
    })();
    this.#loading.set(key, loading);
    try {
      const chunk = await loading;
      if (generation === this.#generation && !this.#chunks.has(key)) this.#insert(key, chunk);
      return chunk;
    } finally {
      if (this.#loading.get(key) === loading) this.#loading.delete(key);
    }
  }

  /** Drops this torrent's chunks (after a recheck, when data on disk may have changed, or as it closes). */
  clear(): void {
    for (const entry of this.#chunks.values()) this.pool.drop(entry);
    this.#chunks.clear();
    this.#loading.clear();
    this.#bytes = 0;
    this.#generation++;
  }

  /** @internal for ReadCachePool: the pool evicted this torrent's entry to make room. */
  evicted(entry: Entry): void {
    if (this.#chunks.get(entry.key) !== entry) return;
    this.#chunks.delete(entry.key);
    this.#bytes -= entry.chunk.length;
  }

  #count(hit: boolean): void {
    if (hit) this.#hits++;
    else this.#misses++;
    this.pool.counted(hit);
  }

  #insert(key: number, chunk: Buffer): void {
    const entry = this.pool.insert(this, key, chunk);
    if (!entry) return;
    this.#chunks.set(key, entry);
    this.#bytes += chunk.length;
  }
}

function checkBudget(budget: number): void {
  if (!Number.isSafeInteger(budget) || budget < 0) throw new RangeError(`invalid read cache budget ${budget}`);
}
