import { hashBytes, leafBytes, pieceRoot, rootFromLeaves, rootFromPieceLayer } from '../merkle';
import type { PieceLayout } from './layout';

/** A file's v2 hashes as the metainfo gives them; both absent for an empty file or a pad file. */
export interface FileTreeHashes {
  readonly piecesRoot?: Uint8Array | undefined;
  /** Its `piece layers` entry; absent for a file of one piece or less, and until known (magnets). */
  readonly pieceLayer?: Uint8Array | undefined;
}

/**
 * Where each piece of a v2 or hybrid torrent sits in its file's Merkle tree (BEP 52: files start
 * on piece boundaries, so a piece lies in one file) and the node it must hash to: the file's
 * piece-layer entry, or the file's root for a file of one piece or less. Piece layers missing
 * from a magnet's metadata are set once fetched from peers, each checked against its root.
 */
export class MerklePieces {
  readonly #pieceLength: number;
  /** The file each piece lies in (index into the metainfo's files), -1 for none (pad only). */
  readonly #fileOf: Int32Array;
  readonly #firstPiece: Float64Array;
  readonly #ends: Float64Array;
  readonly #roots: (Uint8Array | undefined)[];
  readonly #layers: (Uint8Array | undefined)[];

  constructor(layout: PieceLayout, files: readonly FileTreeHashes[]) {
    if (files.length !== layout.fileCount) throw new RangeError(`${files.length} file hashes for ${layout.fileCount} files`);
    this.#pieceLength = layout.pieceLength;
    this.#fileOf = new Int32Array(layout.pieceCount).fill(-1);
    this.#firstPiece = new Float64Array(files.length);
    this.#ends = new Float64Array(files.length);
    this.#roots = files.map((f) => f.piecesRoot);
    this.#layers = files.map(() => undefined);
    files.forEach((f, i) => {
      const pieces = layout.piecesOfFile(i);
      if (f.piecesRoot === undefined || pieces === undefined || layout.isPad(i)) return;
      if (layout.fileStart(i) % layout.pieceLength !== 0) throw new RangeError(`file ${i} does not start on a piece boundary`);
      this.#firstPiece[i] = pieces.first;
      this.#ends[i] = layout.fileStart(i) + layout.fileLength(i);
      this.#fileOf.fill(i, pieces.first, pieces.last + 1);
      if (f.pieceLayer !== undefined && !this.setLayer(i, f.pieceLayer)) throw new RangeError(`file ${i}'s piece layer does not match its root`);
    });
  }

  /** The file piece `piece` lies in, or -1. */
  fileOf(piece: number): number {
    return this.#fileOf[piece] ?? -1;
  }

  /** The piece's position in its file's piece layer. */
  indexInFile(piece: number): number {
    return piece - this.#firstPiece[this.fileOf(piece)]!;
  }

  /** The file's bytes in piece `piece`: the piece's leaves cover these, not the padding after them. */
  dataBytes(piece: number): number {
    const file = this.fileOf(piece);
    if (file < 0) return 0;
    return Math.min(this.#pieceLength, this.#ends[file]! - piece * this.#pieceLength);
  }

  /** Whether the file's length makes it need a piece layer (more than one piece). */
  needsLayer(file: number): boolean {
    const root = this.#roots[file];
    return root !== undefined && this.#ends[file]! - this.#firstPiece[file]! * this.#pieceLength > this.#pieceLength;
  }

  /** The file's piece layer, once known. */
  layer(file: number): Uint8Array | undefined {
    return this.#layers[file];
  }

  root(file: number): Uint8Array | undefined {
    return this.#roots[file];
  }

  /** The files (indexes) whose piece layer is still unknown. */
  missingLayers(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.#roots.length; i++) if (this.needsLayer(i) && this.#layers[i] === undefined) out.push(i);
    return out;
  }

  /**
   * Takes a file's piece layer if it has one hash per piece of the file and hashes up to the
   * file's root; false (and nothing changes) otherwise.
   */
  setLayer(file: number, layer: Uint8Array): boolean {
    const root = this.#roots[file];
    if (root === undefined || !this.needsLayer(file)) return false;
    const pieces = Math.ceil((this.#ends[file]! - this.#firstPiece[file]! * this.#pieceLength) / this.#pieceLength);
    if (layer.length !== pieces * hashBytes) return false;
    if (!Buffer.from(rootFromPieceLayer(layer, this.#pieceLength)).equals(root)) return false;
    this.#layers[file] = layer;
    return true;
  }

  /** The node piece `piece`'s leaves must hash to, or undefined while its file's piece layer is unknown. */
  expected(piece: number): Uint8Array | undefined {
    const file = this.fileOf(piece);
    if (file < 0) return undefined;
    if (!this.needsLayer(file)) return this.#roots[file];
    const at = this.indexInFile(piece) * hashBytes;
    return this.#layers[file]?.subarray(at, at + hashBytes);
  }

  /** Whether a piece's leaf hashes (its file bytes in 16 KiB leaves) hash to its node. */
  matches(piece: number, leaves: Uint8Array): boolean {
    const expected = this.expected(piece);
    if (expected === undefined || leaves.length !== Math.ceil(this.dataBytes(piece) / leafBytes) * hashBytes) return false;
    const file = this.fileOf(piece);
    const node = this.needsLayer(file) ? pieceRoot(leaves, this.#pieceLength) : rootFromLeaves(leaves);
    return Buffer.from(node).equals(expected);
  }
}
