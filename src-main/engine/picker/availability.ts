import { Bitfield } from '../../../src-shared/bitfield';

/** What one peer has told us it has. */
export interface PeerPieces {
  /** Null for a peer that has everything (counted in `seeds`, not per piece). */
  bits: Bitfield | null;
  /** The peer's pieces as a list while it has few, so picking for it need not walk the whole order. */
  sparse: number[] | null;
}

export function hasPiece(pieces: PeerPieces, index: number): boolean {
  return pieces.bits === null || pieces.bits.has(index);
}

/** The peer's pieces narrowed to `among` (a few indexes: allowed-fast or suggested pieces). */
export function narrowedTo(pieces: PeerPieces, among: readonly number[], pieceCount: number): PeerPieces {
  const bits = new Bitfield(pieceCount);
  const sparse: number[] = [];
  for (const i of among) {
    if (Number.isInteger(i) && i >= 0 && i < pieceCount && !bits.has(i) && hasPiece(pieces, i)) {
      bits.set(i);
      sparse.push(i);
    }
  }
  return { bits, sparse };
}

/**
 * The swarm's side of the picture: which pieces each connected peer has and how many peers have
 * each piece. Seeds are counted once, not once per piece. Every change of a piece's count is
 * reported to `changed(index, before)` so the picker can re-rank it; O(1) per piece.
 */
export class Availability<P> {
  readonly #pieceCount: number;
  readonly #counts: Uint32Array;
  readonly #peers = new Map<P, PeerPieces>();
  readonly #sparseLimit: number;
  readonly #changed: (index: number, before: number) => void;
  #seeds = 0;

  constructor(pieceCount: number, changed: (index: number, before: number) => void) {
    this.#pieceCount = pieceCount;
    this.#counts = new Uint32Array(pieceCount);
    this.#sparseLimit = Math.max(32, pieceCount >> 6);
    this.#changed = changed;
  }

  /** Peers that have every piece. */
  get seeds(): number {
    return this.#seeds;
  }

  /** Connected peers that have the piece, seeds excluded. */
  countOf(index: number): number {
    return this.#counts[index] ?? 0;
  }

  knows(peer: P): boolean {
    return this.#peers.has(peer);
  }

  piecesOf(peer: P): PeerPieces | undefined {
    return this.#peers.get(peer);
  }

  /** A peer that has told us nothing yet (same as `have none`). */
  add(peer: P): void {
    if (!this.#peers.has(peer)) this.#peers.set(peer, { bits: new Bitfield(this.#pieceCount), sparse: [] });
  }

  /** The peer disconnected: its pieces no longer count. */
  remove(peer: P): void {
    const pieces = this.#peers.get(peer);
    if (!pieces) return;
    this.#forget(pieces);
    this.#peers.delete(peer);
  }

  /** The peer's `bitfield` message (of the torrent's size). */
  bitfield(peer: P, bits: Bitfield): void {
    const pieces = this.#peers.get(peer)!;
    this.#forget(pieces);
    if (bits.complete) {
      this.#becomeSeed(pieces);
      return;
    }
    pieces.bits = new Bitfield(this.#pieceCount, bits.bytes);
    const sparse: number[] | null = pieces.bits.count <= this.#sparseLimit ? [] : null;
    const bytes = pieces.bits.bytes;
    for (let byte = 0; byte < bytes.length; byte++) {
      const v = bytes[byte]!;
      if (v === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if (v & (0x80 >> bit)) {
          this.#change(byte * 8 + bit, 1);
          sparse?.push(byte * 8 + bit);
        }
      }
    }
    pieces.sparse = sparse;
  }

  have(peer: P, index: number): void {
    const pieces = this.#peers.get(peer)!;
    if (pieces.bits === null || pieces.bits.has(index)) return;
    pieces.bits.set(index);
    this.#change(index, 1);
    if (pieces.sparse) {
      if (pieces.sparse.length < this.#sparseLimit) pieces.sparse.push(index);
      else pieces.sparse = null;
    }
    if (pieces.bits.complete) {
      // Now a seed: count it once instead of once per piece.
      this.#forget(pieces);
      this.#becomeSeed(pieces);
    }
  }

  haveAll(peer: P): void {
    const pieces = this.#peers.get(peer)!;
    this.#forget(pieces);
    this.#becomeSeed(pieces);
  }

  haveNone(peer: P): void {
    this.#forget(this.#peers.get(peer)!);
  }

  /**
   * Whether the peer has a piece in `wanted` (bits in wire order; `wants` answers for one piece):
   * at worst one AND per 8 pieces.
   */
  isInteresting(peer: P, wanted: Bitfield, wants: (index: number) => boolean): boolean {
    const pieces = this.#peers.get(peer);
    if (!pieces) return false;
    if (pieces.bits === null) return wanted.count > 0;
    if (pieces.bits.count === 0) return false;
    if (pieces.sparse) return pieces.sparse.some(wants);
    const theirs = pieces.bits.bytes;
    const ours = wanted.bytes;
    for (let k = 0; k < theirs.length; k++) if ((theirs[k]! & ours[k]!) !== 0) return true;
    return false;
  }

  /**
   * Distributed copies (as libtorrent and Transmission show them): how many complete copies the
   * connected peers hold, plus the share of pieces above that minimum. O(pieces); for snapshots.
   */
  distributedCopies(): number {
    if (this.#pieceCount === 0) return 0;
    let min = Infinity;
    for (let i = 0; i < this.#pieceCount; i++) if (this.#counts[i]! < min) min = this.#counts[i]!;
    let aboveMin = 0;
    for (let i = 0; i < this.#pieceCount; i++) if (this.#counts[i]! > min) aboveMin++;
    return min + this.#seeds + aboveMin / this.#pieceCount;
  }

  #becomeSeed(pieces: PeerPieces): void {
    pieces.bits = null;
    pieces.sparse = null;
    this.#seeds++;
  }

  /** Takes the peer's pieces out of the counts and leaves it with none. */
  #forget(pieces: PeerPieces): void {
    if (pieces.bits === null) {
      this.#seeds--;
    } else {
      const bytes = pieces.bits.bytes;
      for (let byte = 0; byte < bytes.length; byte++) {
        const v = bytes[byte]!;
        if (v === 0) continue;
        for (let bit = 0; bit < 8; bit++) if (v & (0x80 >> bit)) this.#change(byte * 8 + bit, -1);
      }
    }
    pieces.bits = new Bitfield(this.#pieceCount);
    pieces.sparse = [];
  }

  #change(index: number, delta: number): void {
    const before = this.#counts[index]!;
    this.#counts[index] = before + delta;
    this.#changed(index, before);
  }
}
