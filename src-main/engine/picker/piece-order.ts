/**
 * Piece indexes kept sorted by a small integer key (rarity and priority), with ties in random
 * order. Pieces of one key sit in one contiguous bucket, so moving a piece to a neighbouring key is
 * one swap and one boundary shift: O(1) for the availability changes that dominate, and
 * O(|Δkey|) otherwise. Reading in order is reading `order` from the front.
 */
export class PieceOrder {
  /** Piece indexes by ascending key. */
  readonly order: Uint32Array;
  readonly #pos: Uint32Array;
  readonly #key: Uint16Array;
  /** `#start[k]` is the position of the first piece with key ≥ k; `#start[keyCount]` is the size. */
  readonly #start: Uint32Array;

  constructor(
    readonly size: number,
    readonly keyCount: number,
    keyOf: (index: number) => number,
    random: () => number,
  ) {
    if (keyCount > 0xffff) throw new RangeError('too many keys');
    this.order = new Uint32Array(size);
    this.#pos = new Uint32Array(size);
    this.#key = new Uint16Array(size);
    this.#start = new Uint32Array(keyCount + 1);
    // Counting sort by key, then shuffle each bucket for the random tie break.
    const counts = new Uint32Array(keyCount + 1);
    for (let i = 0; i < size; i++) {
      const k = keyOf(i);
      if (!Number.isInteger(k) || k < 0 || k >= keyCount) throw new RangeError(`key ${k} out of range`);
      this.#key[i] = k;
      counts[k + 1]!++;
    }
    for (let k = 1; k <= keyCount; k++) counts[k]! += counts[k - 1]!;
    this.#start.set(counts.subarray(0, keyCount + 1));
    const fill = counts.slice(0, keyCount);
    for (let i = 0; i < size; i++) this.order[fill[this.#key[i]!]!++] = i;
    for (let k = 0; k < keyCount; k++) {
      const from = this.#start[k]!;
      for (let j = this.#start[k + 1]! - 1; j > from; j--) {
        const r = from + Math.floor(random() * (j - from + 1));
        const t = this.order[j]!;
        this.order[j] = this.order[r]!;
        this.order[r] = t;
      }
    }
    for (let p = 0; p < size; p++) this.#pos[this.order[p]!] = p;
  }

  keyOf(index: number): number {
    return this.#key[index]!;
  }

  /** Where the piece is in `order`: a lower position means picked sooner. */
  positionOf(index: number): number {
    return this.#pos[index]!;
  }

  /** How many pieces have a key below `k` (the position where bucket `k` starts). */
  countBelow(k: number): number {
    return this.#start[k]!;
  }

  setKey(index: number, target: number): void {
    let k = this.#key[index]!;
    while (k < target) {
      this.#swap(this.#pos[index]!, this.#start[k + 1]! - 1);
      this.#start[k + 1]!--;
      k++;
    }
    while (k > target) {
      this.#swap(this.#pos[index]!, this.#start[k]!);
      this.#start[k]!++;
      k--;
    }
    this.#key[index] = k;
  }

  #swap(a: number, b: number): void {
    if (a === b) return;
    const ia = this.order[a]!;
    const ib = this.order[b]!;
    this.order[a] = ib;
    this.order[b] = ia;
    this.#pos[ia] = b;
    this.#pos[ib] = a;
  }
}
