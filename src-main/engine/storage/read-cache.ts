/** Counters for tests and the UI's cache figures. */
export interface ReadCacheStats {
  hits: number;
  misses: number;
  /** Bytes held now; never above the budget. */
  bytes: number;
  entries: number;
}

/**
 * An LRU of read chunks under a byte budget. Concurrent misses on one chunk share one load, and
 * at most `maxLoads` loads run at once (the rest queue), so a burst of requests for distinct
 * pieces from many peers cannot allocate chunk after chunk beyond the budget. Chunks larger
 * than the whole budget are loaded and handed out but not kept.
 */
export class ReadCache {
  readonly budget: number;
  /** Map order is recency order: the first entry is the least recently used. */
  readonly #chunks = new Map<number, Buffer>();
  readonly #loading = new Map<number, Promise<Buffer>>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  /** Bumped by `clear()`, so a load that started before it does not repopulate the cache. */
  #generation = 0;
  readonly #maxLoads: number;
  #loads = 0;
  readonly #loadQueue: (() => void)[] = [];

  constructor(budget: number, maxLoads = 8) {
    if (!Number.isSafeInteger(budget) || budget < 0) throw new RangeError(`invalid read cache budget ${budget}`);
    if (!Number.isSafeInteger(maxLoads) || maxLoads < 1) throw new RangeError(`invalid concurrent load limit ${maxLoads}`);
    this.budget = budget;
    this.#maxLoads = maxLoads;
  }

  get stats(): ReadCacheStats {
    return { hits: this.#hits, misses: this.#misses, bytes: this.#bytes, entries: this.#chunks.size };
  }

  /** The chunk under `key`, loading `size` bytes with `load` on a miss. Callers must not modify it. */
  async get(key: number, size: number, load: (into: Buffer) => Promise<void>): Promise<Buffer> {
    const cached = this.#chunks.get(key);
    if (cached !== undefined) {
      this.#hits++;
      this.#chunks.delete(key);
      this.#chunks.set(key, cached);
      return cached;
    }
    const pending = this.#loading.get(key);
    if (pending !== undefined) {
      this.#hits++;
      return pending;
    }
    this.#misses++;
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
      if (generation === this.#generation) this.#insert(key, chunk);
      return chunk;
    } finally {
      if (this.#loading.get(key) === loading) this.#loading.delete(key);
    }
  }

  /** Drops everything (after a recheck or when data on disk may have changed). */
  clear(): void {
    this.#chunks.clear();
    this.#loading.clear();
    this.#bytes = 0;
    this.#generation++;
  }

  #insert(key: number, chunk: Buffer): void {
    if (chunk.length > this.budget) return;
    for (const [oldKey, old] of this.#chunks) {
      if (this.#bytes + chunk.length <= this.budget) break;
      this.#chunks.delete(oldKey);
      this.#bytes -= old.length;
    }
    this.#chunks.set(key, chunk);
    this.#bytes += chunk.length;
  }
}
