import type { Metainfo } from '../metainfo/metainfo';

/** A contiguous run of a torrent's byte stream that lies in one file. */
export interface FileRegion {
  /** Index into `Metainfo.files`. */
  readonly file: number;
  /** First byte of the region inside the file. */
  readonly fileOffset: number;
  /** First byte of the region in the torrent's byte stream. */
  readonly offset: number;
  readonly length: number;
  /** BEP 47 padding: never on disk, reads as zeros. */
  readonly pad: boolean;
}

/** Blocks are what peers request and deliver; 16 KiB is what every client uses (BEP 3). */
export const BLOCK_SIZE = 16 * 1024;

/**
 * Piece ↔ file arithmetic for one torrent. Pieces span file boundaries; lookups binary-search
 * the file offsets, so mapping a block costs O(log files) plus the files it touches.
 */
export class PieceLayout {
  readonly pieceLength: number;
  readonly pieceCount: number;
  readonly length: number;
  readonly blockSize: number;
  /** File start offsets (non-decreasing, zero-length files included), for binary search. */
  readonly #starts: Float64Array;
  readonly #lengths: Float64Array;
  readonly #pad: Uint8Array;
  readonly #lastPieceLength: number;

  constructor(metainfo: Metainfo, blockSize = BLOCK_SIZE) {
    if (!Number.isSafeInteger(blockSize) || blockSize <= 0) throw new RangeError(`invalid block size ${blockSize}`);
    this.pieceLength = metainfo.pieceLength;
    this.pieceCount = metainfo.pieceCount;
    this.length = metainfo.length;
    this.blockSize = blockSize;
    this.#lastPieceLength = metainfo.lastPieceLength;
    const n = metainfo.files.length;
    this.#starts = new Float64Array(n);
    this.#lengths = new Float64Array(n);
    this.#pad = new Uint8Array(n);
    let expected = 0;
    metainfo.files.forEach((f, i) => {
      // The metainfo parser guarantees this; a hand-built Metainfo that breaks it would corrupt data.
      if (f.offset !== expected) throw new RangeError(`file ${i} starts at ${f.offset}, expected ${expected}`);
      this.#starts[i] = f.offset;
      this.#lengths[i] = f.length;
      this.#pad[i] = f.pad ? 1 : 0;
      expected += f.length;
    });
    if (expected !== metainfo.length) throw new RangeError(`files add up to ${expected} bytes, torrent says ${metainfo.length}`);
  }

  get fileCount(): number {
    return this.#starts.length;
  }

  /** Bytes in piece `piece` (the last one may be short). */
  pieceSize(piece: number): number {
    return piece === this.pieceCount - 1 ? this.#lastPieceLength : this.pieceLength;
  }

  blockCount(piece: number): number {
    return Math.ceil(this.pieceSize(piece) / this.blockSize);
  }

  /** Bytes in block `block` of `piece` (the last block of the last piece may be short). */
  blockLength(piece: number, block: number): number {
    return Math.min(this.blockSize, this.pieceSize(piece) - block * this.blockSize);
  }

  /** Index of the file holding byte `offset` of the stream, skipping zero-length files. */
  fileAt(offset: number): number {
    const starts = this.#starts;
    let lo = 0;
    let hi = starts.length - 1;
    // Last file whose start <= offset; zero-length files share a start with the next file, so the
    // search lands past them.
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    // Trailing zero-length files start at `length`; step back to the file that owns the byte.
    while (lo > 0 && this.#lengths[lo] === 0) lo--;
    return lo;
  }

  /** The file regions covering `length` bytes from stream offset `offset`, in order. */
  regions(offset: number, length: number): FileRegion[] {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.length)) {
      throw new RangeError(`range ${offset}+${length} is outside a torrent of ${this.length} bytes`);
    }
    const out: FileRegion[] = [];
    let file = this.fileAt(offset);
    let pos = offset;
    const end = offset + length;
    while (pos < end) {
      const start = this.#starts[file]!;
      const fileEnd = start + this.#lengths[file]!;
      const take = Math.min(end, fileEnd) - pos;
      if (take > 0) out.push({ file, fileOffset: pos - start, offset: pos, length: take, pad: this.#pad[file] === 1 });
      pos += Math.max(take, 0);
      file++;
    }
    return out;
  }

  /** Stream offset of byte `begin` of `piece`. */
  pieceOffset(piece: number): number {
    return piece * this.pieceLength;
  }

  /** First and last piece touching file `file`, or `undefined` for a zero-length file. */
  piecesOfFile(file: number): { first: number; last: number } | undefined {
    const length = this.#lengths[file];
    if (length === undefined) throw new RangeError(`no file ${file}`);
    if (length === 0) return undefined;
    const start = this.#starts[file]!;
    return { first: Math.floor(start / this.pieceLength), last: Math.floor((start + length - 1) / this.pieceLength) };
  }

  /** Stream offset of file `file`'s first byte. */
  fileStart(file: number): number {
    const start = this.#starts[file];
    if (start === undefined) throw new RangeError(`no file ${file}`);
    return start;
  }

  fileLength(file: number): number {
    return this.#lengths[file]!;
  }

  isPad(file: number): boolean {
    return this.#pad[file] === 1;
  }
}
