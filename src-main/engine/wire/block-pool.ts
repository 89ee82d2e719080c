/**
 * Reusable buffers for received blocks. At hundreds of MB/s a fresh buffer per block leaves the
 * garbage collector tens of MiB of dead buffers to find; buffers handed back after their disk
 * write are reused instead, so the memory blocks occupy stays near what is waiting for the disk.
 *
 * Only buffers of the pool's block size are pooled; other lengths (a torrent's short last block,
 * peers using larger blocks) are plain allocations. A buffer that is never released is simply
 * collected, so forgetting to release costs reuse, never correctness. Releasing a buffer that is
 * still in use does corrupt data: release only once nothing reads it any more.
 */
export class BlockPool {
  readonly blockSize: number;
  readonly #maxFree: number;
  readonly #free: Uint8Array[] = [];
  /** Buffers handed out by `acquire` and not yet released, so a stray or second release is ignored. */
  readonly #out = new WeakSet<Uint8Array>();

  /**
   * @param blockSize length of the pooled buffers
   * @param maxFreeBytes released buffers kept beyond this are left to the collector
   */
  constructor(blockSize: number, maxFreeBytes: number) {
    if (!Number.isInteger(blockSize) || blockSize <= 0) throw new RangeError(`invalid block size ${blockSize}`);
    this.blockSize = blockSize;
    this.#maxFree = Math.floor(maxFreeBytes / blockSize);
  }

  /** Buffers ready for reuse. */
  get free(): number {
    return this.#free.length;
  }

  /** A buffer of `length` bytes with unspecified contents; pooled when `length` is the block size. */
  acquire(length: number): Uint8Array {
    if (length !== this.blockSize) return new Uint8Array(length);
    const buffer = this.#free.pop() ?? new Uint8Array(length);
    this.#out.add(buffer);
    return buffer;
  }

  /** Hands a buffer from `acquire` back once nothing uses it; anything else is ignored. */
  release(buffer: Uint8Array): void {
    if (!this.#out.delete(buffer)) return;
    if (this.#free.length < this.#maxFree) this.#free.push(buffer);
  }
}
