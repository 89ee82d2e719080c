import { hasPiece, type PeerPieces } from './availability';
import { PieceOrder } from './piece-order';

/** Highest priority a caller can set; "first and last pieces" ranks above it. */
export const MAX_PRIORITY = 7;
const BOOSTED = MAX_PRIORITY + 1;
/** Rarity counts beyond this all rank the same; keeps the bucket count small. */
const AVAIL_CAP = 255;
const KEYS_PER_CLASS = AVAIL_CAP + 1;
/** Key for pieces that are not candidates for a fresh start (had, started, skipped). */
const EXCLUDED = BOOSTED * KEYS_PER_CLASS;

const CANDIDATE = 0;
const PARTIAL = 1;
const HAVE = 2;
const SKIPPED = 3;

/**
 * Our side of each piece: whether it is a candidate (wanted, nobody started it), started, ours or
 * skipped; its priority and boost; and the candidates ranked by priority class, then rarity, ties
 * in random order. Chooses the fresh piece to start for a peer: random first pieces, rarest first,
 * or lowest index first when streaming.
 */
export class PieceRanking {
  readonly #pieceCount: number;
  readonly #priority: Uint8Array;
  readonly #boosted: Uint8Array;
  readonly #state: Uint8Array;
  readonly #availability: (index: number) => number;
  readonly #random: () => number;
  /**
   * Undefined while no piece is a candidate (a seed, the end of a download): the order's buckets
   * are ~8 KiB whatever the piece count, too much to keep for each of thousands of seeds. It is
   * rebuilt from the pieces' states when one becomes a candidate again.
   */
  #order: PieceOrder | undefined;
  /** No candidate below this index (sequential picking starts here). */
  #seqCursor = 0;

  /** `availability(i)` is how many peers (seeds excluded) have piece i. */
  constructor(pieceCount: number, availability: (index: number) => number, random: () => number) {
    this.#pieceCount = pieceCount;
    this.#priority = new Uint8Array(pieceCount).fill(1);
    this.#boosted = new Uint8Array(pieceCount);
    this.#state = new Uint8Array(pieceCount);
    this.#availability = availability;
    this.#random = random;
    this.#order = this.#newOrder();
  }

  /** Pieces wanted that nobody has started. */
  get candidates(): number {
    return this.#order?.countBelow(EXCLUDED) ?? 0;
  }

  isCandidate(index: number): boolean {
    return this.#state[index] === CANDIDATE;
  }

  isStarted(index: number): boolean {
    return this.#state[index] === PARTIAL;
  }

  isHave(index: number): boolean {
    return this.#state[index] === HAVE;
  }

  priority(index: number): number {
    return this.#priority[index] ?? 0;
  }

  /** The priority pieces are ranked by: 0 when skipped, above `MAX_PRIORITY` when boosted. */
  rank(index: number): number {
    const prio = this.#priority[index]!;
    if (prio === 0) return 0;
    return this.#boosted[index] ? BOOSTED : prio;
  }

  /** The rank of the best candidate, 0 when there is none. */
  topRank(): number {
    if (this.#order === undefined || this.#order.countBelow(EXCLUDED) === 0) return 0;
    return this.rank(this.#order.order[0]!);
  }

  /** Every piece's priority at once: one O(pieces) rebuild instead of many moves. */
  setPriorities(priorities: ArrayLike<number>): void {
    for (let i = 0; i < this.#pieceCount; i++) checkPriority(priorities[i]!);
    for (let i = 0; i < this.#pieceCount; i++) {
      this.#priority[i] = priorities[i]!;
      const s = this.#state[i];
      if (s === CANDIDATE || s === SKIPPED) this.#state[i] = this.#priority[i] === 0 ? SKIPPED : CANDIDATE;
    }
    this.#seqCursor = 0;
    this.#order = this.#state.includes(CANDIDATE) ? this.#newOrder() : undefined;
  }

  /** Replaces the boosted set; returns the pieces whose rank changed. */
  setBoosted(indexes: readonly number[]): number[] {
    const touched: number[] = [];
    for (let i = 0; i < this.#pieceCount; i++) if (this.#boosted[i]) touched.push(i);
    this.#boosted.fill(0);
    for (const i of touched) this.#refile(i);
    for (const i of indexes) {
      this.#boosted[i] = 1;
      this.#refile(i);
      touched.push(i);
    }
    return touched;
  }

  markStarted(index: number): void {
    this.#state[index] = PARTIAL;
    this.#exclude(index);
  }

  markHave(index: number): void {
    this.#state[index] = HAVE;
    this.#exclude(index);
  }

  /** A started or verified piece is missing again: a candidate (or skipped) once more. */
  markMissing(index: number): void {
    this.#state[index] = this.#priority[index] === 0 ? SKIPPED : CANDIDATE;
    if (index < this.#seqCursor) this.#seqCursor = index;
    this.#rekey(index);
  }

  /** Piece `index` was held by `before` peers and now by `availability(index)`. */
  availabilityChanged(index: number, before: number): void {
    if (this.#state[index] === CANDIDATE && (before < AVAIL_CAP || this.#availability(index) < AVAIL_CAP)) {
      this.#rekey(index);
    }
  }

  /**
   * A candidate the peer has, or -1: in index order when `sequential`, at random among the top
   * class in the `randomPhase`, rarest first otherwise.
   */
  pickFresh(pieces: PeerPieces, sequential: boolean, randomPhase: boolean): number {
    const ranked = this.#order;
    const end = ranked?.countBelow(EXCLUDED) ?? 0;
    if (ranked === undefined || end === 0) return -1;
    const order = ranked.order;
    if (sequential) return this.#pickSequential(pieces);
    if (pieces.sparse) return this.#pickFromList(pieces.sparse, randomPhase);
    if (randomPhase) {
      // Random among the top priority class, so the first pieces are quick to share.
      const topClass = BOOSTED - this.rank(order[0]!);
      const classEnd = ranked.countBelow((topClass + 1) * KEYS_PER_CLASS);
      const r = Math.floor(this.#random() * classEnd);
      for (let k = 0; k < classEnd; k++) {
        const i = order[(r + k) % classEnd]!;
        if (hasPiece(pieces, i)) return i;
      }
      for (let p = classEnd; p < end; p++) if (hasPiece(pieces, order[p]!)) return order[p]!;
      return -1;
    }
    for (let p = 0; p < end; p++) {
      const i = order[p]!;
      if (hasPiece(pieces, i)) return i;
    }
    return -1;
  }

  /** The best candidate among a few pieces: the one the order ranks first (random in the random phase). */
  #pickFromList(list: readonly number[], randomPhase: boolean): number {
    let best = -1;
    let bestPos = Infinity;
    let ties = 0;
    for (const i of list) {
      if (this.#state[i] !== CANDIDATE) continue;
      // A candidate exists, so the order does.
      const pos = this.#order!.positionOf(i);
      if (randomPhase && best >= 0 && this.rank(i) === this.rank(best)) {
        // Reservoir sampling over the pieces of the best class seen so far.
        if (this.#random() * ++ties < 1) best = i;
        if (pos < bestPos) bestPos = pos;
        continue;
      }
      if (pos < bestPos) {
        best = i;
        bestPos = pos;
        ties = 1;
      }
    }
    return best;
  }

  /** Lowest index first, but still highest priority (and boosted pieces) first. */
  #pickSequential(pieces: PeerPieces): number {
    while (this.#seqCursor < this.#pieceCount && this.#state[this.#seqCursor] !== CANDIDATE) this.#seqCursor++;
    const top = this.topRank();
    let fallback = -1;
    for (let i = this.#seqCursor; i < this.#pieceCount; i++) {
      if (this.#state[i] !== CANDIDATE || !hasPiece(pieces, i)) continue;
      const prio = this.rank(i);
      if (prio === top) return i;
      if (fallback < 0 || prio > this.rank(fallback)) fallback = i;
    }
    return fallback;
  }

  /** Re-files a piece after its priority or boost changed. */
  #refile(index: number): void {
    const s = this.#state[index];
    if (s === CANDIDATE || s === SKIPPED) {
      this.#state[index] = this.#priority[index] === 0 ? SKIPPED : CANDIDATE;
      if (index < this.#seqCursor) this.#seqCursor = index;
    }
    this.#rekey(index);
  }

  /** Files the piece under its key now, building the order if the piece is the only candidate. */
  #rekey(index: number): void {
    if (this.#order !== undefined) this.#order.setKey(index, this.#keyFor(index));
    else if (this.#state[index] === CANDIDATE) this.#order = this.#newOrder();
  }

  /** The piece is no candidate any more; the order goes once none is left. */
  #exclude(index: number): void {
    const order = this.#order;
    if (order === undefined) return;
    order.setKey(index, EXCLUDED);
    if (order.countBelow(EXCLUDED) === 0) this.#order = undefined;
  }

  #keyFor(index: number): number {
    if (this.#state[index] !== CANDIDATE) return EXCLUDED;
    return (BOOSTED - this.rank(index)) * KEYS_PER_CLASS + Math.min(this.#availability(index), AVAIL_CAP);
  }

  #newOrder(): PieceOrder {
    return new PieceOrder(this.#pieceCount, EXCLUDED + 1, (i) => this.#keyFor(i), this.#random);
  }
}

function checkPriority(priority: number): void {
  if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) throw new RangeError(`invalid priority ${priority}`);
}
