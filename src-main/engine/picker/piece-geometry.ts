export const BLOCK_SIZE = 16 * 1024;

/** One block to request: piece index, byte offset in the piece, length. */
export interface BlockRequest {
  readonly index: number;
  readonly begin: number;
  readonly length: number;
}

/**
 * Piece and block sizes of one torrent. A block is named by its key, `index * blocksPerPiece +
 * block`, so per-peer request sets hold numbers, not objects.
 */
export class PieceGeometry {
  readonly blocksPerPiece: number;

  constructor(
    readonly pieceCount: number,
    readonly pieceLength: number,
    readonly lastPieceLength: number,
  ) {
    if (!Number.isSafeInteger(pieceCount) || pieceCount < 0) throw new RangeError('invalid piece count');
    if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) throw new RangeError('invalid piece length');
    if (pieceCount > 0 && (lastPieceLength <= 0 || lastPieceLength > pieceLength)) throw new RangeError('invalid last piece length');
    this.blocksPerPiece = Math.ceil(pieceLength / BLOCK_SIZE);
  }

  pieceSize(index: number): number {
    return index === this.pieceCount - 1 ? this.lastPieceLength : this.pieceLength;
  }

  /** Number of blocks in a piece (the last piece may have fewer). */
  blockCount(index: number): number {
    return Math.ceil(this.pieceSize(index) / BLOCK_SIZE);
  }

  blockLength(index: number, b: number): number {
    return Math.min(BLOCK_SIZE, this.pieceSize(index) - b * BLOCK_SIZE);
  }

  /** The block a key names. */
  request(key: number): BlockRequest {
    const index = Math.floor(key / this.blocksPerPiece);
    const b = key - index * this.blocksPerPiece;
    return { index, begin: b * BLOCK_SIZE, length: this.blockLength(index, b) };
  }

  checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) throw new RangeError(`piece ${index} is out of range`);
  }
}
