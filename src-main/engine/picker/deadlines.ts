/** One piece a stream needs soon: by `deadline` (a `Date.now()` time) it should be verified. */
export interface PieceDeadline {
  readonly index: number;
  readonly deadline: number;
}

/**
 * The pieces with a deadline (streams' windows, as libtorrent's `set_piece_deadline`), earliest
 * first. The set is replaced whole when a window moves; a piece leaves it once verified.
 */
export class Deadlines {
  readonly #byPiece = new Map<number, number>();
  #ordered: number[] = [];

  get size(): number {
    return this.#byPiece.size;
  }

  /** Piece indexes, earliest deadline first (lower index first on a tie). */
  get ordered(): readonly number[] {
    return this.#ordered;
  }

  has(index: number): boolean {
    return this.#byPiece.has(index);
  }

  /** The piece's deadline, or undefined when it has none. */
  deadlineOf(index: number): number | undefined {
    return this.#byPiece.get(index);
  }

  /** Replaces every deadline; returns the pieces that had one and no longer do. */
  replace(entries: Iterable<PieceDeadline>): number[] {
    const before = new Set(this.#byPiece.keys());
    this.#byPiece.clear();
    for (const { index, deadline } of entries) {
      const known = this.#byPiece.get(index);
      this.#byPiece.set(index, known === undefined ? deadline : Math.min(known, deadline));
      before.delete(index);
    }
    this.#sort();
    return [...before];
  }

  /** The piece is verified: it needs no deadline any more. */
  delete(index: number): void {
    if (!this.#byPiece.delete(index)) return;
    this.#ordered = this.#ordered.filter((i) => i !== index);
  }

  #sort(): void {
    this.#ordered = [...this.#byPiece.keys()].sort((a, b) => this.#byPiece.get(a)! - this.#byPiece.get(b)! || a - b);
  }
}
