import { randomBytes } from 'node:crypto';

const EMPTY = -1;
const NONE = Buffer.alloc(0);
const seed = randomBytes(4).readUInt32BE(0);

/**
 * A hash table from fixed-size byte keys (info-hashes, compact addresses) to slot numbers, kept in
 * one buffer (each bucket: a 4-byte value, -1 when empty, then the key): no object and no string
 * per key, one allocation per table, and a lookup reads its key straight out of a packet. Open
 * addressing with linear probing and backward-shift deletion (no tombstones); the hash is seeded
 * per process, so keys a client chooses cannot be lined up into one long probe.
 */
export class ByteIndex {
  readonly #keySize: number;
  /** Bytes per bucket. */
  readonly #stride: number;
  #table: Buffer = NONE;
  #capacity = 0;
  #count = 0;

  constructor(keySize: number) {
    this.#keySize = keySize;
    this.#stride = keySize + 4;
  }

  get size(): number {
    return this.#count;
  }

  /** The value for the key at `at` in `src`, or -1. */
  get(src: Buffer, at: number): number {
    const b = this.#find(src, at);
    return b < 0 ? EMPTY : this.#value(b);
  }

  /** Sets the value of the key at `at` in `src` (value ≥ 0), adding the key if new. */
  set(src: Buffer, at: number, value: number): void {
    const found = this.#find(src, at);
    if (found >= 0) {
      this.#table.writeInt32LE(value, found * this.#stride);
      return;
    }
    if ((this.#count + 1) * 2 > this.#capacity) this.#resize(Math.max(8, this.#capacity * 2));
    const mask = this.#capacity - 1;
    let b = this.#hash(src, at) & mask;
    while (this.#value(b) !== EMPTY) b = (b + 1) & mask;
    this.#table.writeInt32LE(value, b * this.#stride);
    src.copy(this.#table, b * this.#stride + 4, at, at + this.#keySize);
    this.#count++;
  }

  /** Removes the key at `at` in `src`; true if it was there. */
  delete(src: Buffer, at: number): boolean {
    let hole = this.#find(src, at);
    if (hole < 0) return false;
    const stride = this.#stride;
    const mask = this.#capacity - 1;
    const table = this.#table;
    // Backward shift: later keys of the probe run move up so every key stays reachable.
    for (let j = (hole + 1) & mask; this.#value(j) !== EMPTY; j = (j + 1) & mask) {
      const home = this.#hash(table, j * stride + 4) & mask;
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (stays) continue;
      table.copy(table, hole * stride, j * stride, j * stride + stride);
      hole = j;
    }
    table.writeInt32LE(EMPTY, hole * stride);
    this.#count--;
    if (this.#count * 8 < this.#capacity && this.#capacity > 8) this.#resize(this.#capacity / 2);
    return true;
  }

  #value(bucket: number): number {
    return this.#table.readInt32LE(bucket * this.#stride);
  }

  #find(src: Buffer, at: number): number {
    if (this.#count === 0) return -1;
    const size = this.#keySize;
    const stride = this.#stride;
    const table = this.#table;
    const mask = this.#capacity - 1;
    for (let b = this.#hash(src, at) & mask; this.#value(b) !== EMPTY; b = (b + 1) & mask) {
      const base = b * stride + 4;
      let i = 0;
      while (i < size && table[base + i] === src[at + i]) i++;
      if (i === size) return b;
    }
    return -1;
  }

  /** FNV-1a over the key, from a per-process seed. */
  #hash(src: Buffer, at: number): number {
    let h = seed;
    for (let i = 0; i < this.#keySize; i++) h = Math.imul(h ^ src[at + i]!, 16777619);
    return (h ^ (h >>> 15)) >>> 0;
  }

  #resize(capacity: number): void {
    const old = this.#table;
    const oldCapacity = this.#capacity;
    this.#table = Buffer.alloc(capacity * this.#stride, 0xff); // every value -1: empty
    this.#capacity = capacity;
    this.#count = 0;
    for (let b = 0; b < oldCapacity; b++) {
      const value = old.readInt32LE(b * this.#stride);
      if (value !== EMPTY) this.set(old, b * this.#stride + 4, value);
    }
  }
}
