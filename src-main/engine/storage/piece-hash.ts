import { createHash, hash, type Hash } from 'node:crypto';
import { ShoalError } from '../../../src-shared/errors';
import type { Metainfo } from '../metainfo/metainfo';
import type { PieceLayout } from './layout';
import { MerklePieces } from './merkle-pieces';

/**
 * One piece's check, fed the piece's bytes in order (pad bytes included, as they are in the
 * torrent's byte stream), then asked once whether they are right.
 */
export interface PieceHash {
  update(data: Uint8Array): void;
  matches(): boolean;
}

/**
 * How a torrent's pieces are checked: SHA-1 for v1 (BEP 3), the file's Merkle tree for v2
 * (BEP 52), both for a hybrid, which must agree with both halves.
 */
export interface PieceHashes {
  start(piece: number): PieceHash;
}

/**
 * How `metainfo`'s pieces are checked, and its files' Merkle trees when it has them: SHA-1 alone
 * (v1), the trees alone (v2-only, no `pieces`), or both (hybrid). A hybrid piece whose file's
 * piece layer is not known yet (a magnet's) passes on its SHA-1 meanwhile.
 */
export function pieceHashesOf(metainfo: Metainfo, layout: PieceLayout): { hashes: PieceHashes; merkle?: MerklePieces } {
  const v1 = metainfo.pieceHashes.length > 0;
  const v2 = metainfo.files.some((f) => f.piecesRoot !== undefined);
  if ((v1 || !v2) && metainfo.pieceHashes.length !== layout.pieceCount * 20) {
    throw new ShoalError('invalid-torrent', `the torrent has ${layout.pieceCount} pieces but ${metainfo.pieceHashes.length / 20} hashes`);
  }
  const sha1 = new Sha1Pieces(metainfo.pieceHashes);
  if (!v2) return { hashes: sha1 };
  const merkle = new MerklePieces(layout, metainfo.files);
  const trees = new MerklePieceHashes(merkle, v1);
  return { hashes: v1 ? new BothPieceHashes(sha1, trees) : trees, merkle };
}

/** BEP 3: a piece's SHA-1 against the `pieces` string. */
class Sha1Pieces implements PieceHashes {
  constructor(private readonly hashes: Uint8Array) {}

  start(piece: number): PieceHash {
    const sha1 = createHash('sha1');
    const expected = this.hashes.subarray(piece * 20, piece * 20 + 20);
    return { update: (data) => sha1.update(data), matches: () => sha1.digest().equals(expected) };
  }
}

/** BEP 52: a piece's 16 KiB leaves hashed up to the piece's node of its file's tree. */
export class MerklePieceHashes implements PieceHashes {
  /** With `passUnknown`, a piece whose node is not known yet passes (a hybrid's SHA-1 still decides). */
  constructor(
    private readonly pieces: MerklePieces,
    private readonly passUnknown = false,
  ) {}

  start(piece: number): PieceHash {
    if (this.passUnknown && this.pieces.expected(piece) === undefined) return PASS;
    return new MerklePieceHash(this.pieces, piece);
  }
}

const PASS: PieceHash = { update: () => undefined, matches: () => true };

/** A hybrid's pieces pass only when both their SHA-1 and their Merkle hash match. */
class BothPieceHashes implements PieceHashes {
  constructor(
    private readonly v1: PieceHashes,
    private readonly v2: PieceHashes,
  ) {}

  start(piece: number): PieceHash {
    const a = this.v1.start(piece);
    const b = this.v2.start(piece);
    return {
      update: (data) => {
        a.update(data);
        b.update(data);
      },
      matches: () => a.matches() && b.matches(),
    };
  }
}

const LEAF = 16 * 1024;

/**
 * Streams a piece into SHA-256 leaves: whole 16 KiB leaves at once (the usual block), a leaf cut
 * across updates through an incremental hash. Bytes past the file's end in the piece (a hybrid's
 * pad file) are not the file's and are left out, as BEP 52 builds trees from file data only.
 */
class MerklePieceHash implements PieceHash {
  readonly #pieces: MerklePieces;
  readonly #piece: number;
  readonly #leaves: Uint8Array;
  /** File bytes of this piece not yet seen. */
  #left: number;
  #leaf = 0;
  #partial: Hash | undefined;
  #partialBytes = 0;

  constructor(pieces: MerklePieces, piece: number) {
    this.#pieces = pieces;
    this.#piece = piece;
    this.#left = pieces.dataBytes(piece);
    this.#leaves = new Uint8Array(Math.ceil(this.#left / LEAF) * 32);
  }

  update(data: Uint8Array): void {
    let at = 0;
    const end = Math.min(data.length, this.#left);
    while (at < end) {
      if (this.#partial === undefined && end - at >= LEAF) {
        this.#leaves.set(hash('sha256', data.subarray(at, at + LEAF), 'buffer'), this.#leaf++ * 32);
        at += LEAF;
        continue;
      }
      this.#partial ??= createHash('sha256');
      const take = Math.min(end - at, LEAF - this.#partialBytes);
      this.#partial.update(data.subarray(at, at + take));
      this.#partialBytes += take;
      at += take;
      if (this.#partialBytes === LEAF) this.#closeLeaf();
    }
    this.#left -= end;
  }

  matches(): boolean {
    if (this.#partial !== undefined) this.#closeLeaf();
    if (this.#left > 0 || this.#leaf * 32 !== this.#leaves.length) return false;
    return this.#pieces.matches(this.#piece, this.#leaves);
  }

  #closeLeaf(): void {
    this.#leaves.set(this.#partial!.digest(), this.#leaf++ * 32);
    this.#partial = undefined;
    this.#partialBytes = 0;
  }
}
