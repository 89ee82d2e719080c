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

/** Spare chunk buffers kept for reuse, at most (see `ReadCachePool`). */
const MAX_SPARE_BYTES = 8 * 1024 * 1024;

/** A cached chunk, on the pool's recency list and in its torrent's map. */
interface Entry {
  readonly owner: ReadCache;
  readonly key: number;
  readonly chunk: Buffer;
  prev: Entry | null;
  next: Entry | null;
  /** Still in the pool; once out of it with no holds (and never handed out unheld), its buffer is reused. */
  cached: boolean;
  /** `ChunkHolds` holding it: blocks of it handed to a socket and not yet written. */
  holds: number;
  /** Handed out without `ChunkHolds`: its holder may keep it forever, so its buffer is never reused. */
  pinned: boolean;
}

/** A chunk being loaded, and the holds of everyone waiting for it. */
interface Loading {
  readonly chunk: Promise<Buffer>;
  readonly holds: (ChunkHolds | undefined)[];
}

/**
 * Chunks whose blocks were handed to a socket: none of their buffers is reused for another chunk
 * until `release`, which the caller calls once the socket is done with the bytes (its write
 * callback). A holds object that is never released only costs the reuse of those buffers.
 */
export class ChunkHolds {
  readonly #entries: Entry[] = [];

  /** @internal for ReadCache. */
  hold(entry: Entry): void {
    // A batch reads many blocks of one chunk in a row: one hold covers them.
    if (this.#entries[this.#entries.length - 1] === entry) return;
    entry.holds++;
    this.#entries.push(entry);
  }

  release(): void {
    for (const entry of this.#entries) {
      entry.holds--;
      if (entry.holds === 0 && !entry.cached) entry.owner.pool.recycle(entry);
    }
    this.#entries.length = 0;
  }
}

/**
 * One byte budget for every torrent's read cache: the least recently used chunk goes first,
 * whichever torrent holds it, so a thousand seeds share one budget rather than each having its
 * own. The budget may change while running (a setting); shrinking evicts at once.
 */
export class ReadCachePool {
  #budget: number;
  #bytes = 0;
  /**
   * Buffers of chunks that left the cache, for the next loads: a fresh 1 MiB buffer per chunk
   * costs the seeder a major collection every few dozen MiB served. A chunk leaves as another
   * comes in, so a few suffice: at most `MAX_SPARE_BYTES`, and never more than the budget.
   */
  readonly #spares: Buffer[] = [];
  #spareBytes = 0;
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
    this.#trimSpares();
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
    const entry: Entry = { owner, key, chunk, prev: this.#tail, next: null, cached: true, holds: 0, pinned: false };
    if (this.#tail) this.#tail.next = entry;
    else this.#head = entry;
    this.#tail = entry;
    this.#bytes += chunk.length;
    this.#entries++;
    return entry;
  }

  /** @internal for ReadCache: a buffer of `size` bytes for a chunk to load into: a spare one, or a new one. */
  buffer(size: number): Buffer {
    const spares = this.#spares;
    for (let i = spares.length - 1; i >= 0; i--) {
      const spare = spares[i]!;
      if (spare.length !== size) continue;
      spares[i] = spares[spares.length - 1]!;
      spares.pop();
      this.#spareBytes -= size;
      return spare;
    }
    return Buffer.allocUnsafe(size);
  }

  /** @internal for ChunkHolds and the pool: the entry is out of the pool and nobody reads it any more. */
  recycle(entry: Entry): void {
    if (entry.pinned || this.#spareBytes + entry.chunk.length > this.#spareLimit) return;
    this.#spares.push(entry.chunk);
    this.#spareBytes += entry.chunk.length;
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
    entry.cached = false;
    if (entry.holds === 0) this.recycle(entry);
  }

  get #spareLimit(): number {
    return Math.min(this.#budget, MAX_SPARE_BYTES);
  }

  #trimSpares(): void {
    while (this.#spareBytes > this.#spareLimit) this.#spareBytes -= this.#spares.shift()!.length;
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
  readonly #loading = new Map<number, Loading>();
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

  /**
   * The chunk under `key`, loading `size` bytes with `load` on a miss. Callers must not modify it.
   * With `holds`, its buffer stays this chunk's until `holds.release()`; without, forever.
   */
  async get(key: number, size: number, load: (into: Buffer) => Promise<void>, holds?: ChunkHolds): Promise<Buffer> {
    const cached = this.#chunks.get(key);
    if (cached !== undefined) {
      this.#count(true);
      this.pool.touch(cached);
      this.#hold(cached, holds);
      return cached.chunk;
    }
    const pending = this.#loading.get(key);
    if (pending !== undefined) {
      this.#count(true);
      pending.holds.push(holds);
      return pending.chunk;
    }
    this.#count(false);
    const generation = this.#generation;
    const waiting = [holds];
    const loading = (async () => {
      if (this.#loads >= this.#maxLoads) await new Promise<void>((resolve) => this.#loadQueue.push(resolve));
      this.#loads++;
      let chunk: Buffer;
      try {
        chunk = this.pool.buffer(size);
        await load(chunk);
      } finally {
        this.#loads--;
        this.#loadQueue.shift()?.();
      }
      // Cached and held for every waiter before any of them has it, so none gets a buffer already reused.
      if (generation === this.#generation && !this.#chunks.has(key)) {
        const entry = this.#insert(key, chunk);
        if (entry) for (const h of waiting) this.#hold(entry, h);
      }
      return chunk;
    })();
    const record: Loading = { chunk: loading, holds: waiting };
    this.#loading.set(key, record);
    try {
      return await loading;
    } finally {
      if (this.#loading.get(key) === record) this.#loading.delete(key);
    }
  }

  /** The chunk under `key` if it is cached now (a hit, held by `holds`); a miss is not counted. */
  peek(key: number, holds: ChunkHolds): Buffer | undefined {
    const cached = this.#chunks.get(key);
    if (cached === undefined) return undefined;
    this.#count(true);
    this.pool.touch(cached);
    holds.hold(cached);
    return cached.chunk;
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

  #hold(entry: Entry, holds: ChunkHolds | undefined): void {
    if (holds) holds.hold(entry);
    else entry.pinned = true;
  }

  #insert(key: number, chunk: Buffer): Entry | null {
    const entry = this.pool.insert(this, key, chunk);
    if (!entry) return null;
    this.#chunks.set(key, entry);
    this.#bytes += chunk.length;
    return entry;
  }
}

function checkBudget(budget: number): void {
  if (!Number.isSafeInteger(budget) || budget < 0) throw new RangeError(`invalid read cache budget ${budget}`);
}
