import { isValidRange, leafCount, leafHashes, MerkleTree, pieceHeight, proofHashes, uncleCount, type HashRange } from '../merkle';
import type { MerklePieces } from '../storage/merkle-pieces';
import type { Storage } from '../storage/storage';
import type { HashRef } from '../wire/messages';

/** BEP 52: requests "should not" ask for more; more is answered with a reject. */
export const MAX_HASHES_PER_REQUEST = 512;
/** File trees (from their piece layers) kept built for answering; a torrent serves a few files at a time. */
const CACHED_TREES = 8;
/**
 * Leaf ranges are answered by reading their piece: at most this many at once per torrent, and
 * none for pieces over 16 MiB, so what peers ask cannot make us hold much of the disk in memory.
 */
const PIECE_READS_AT_ONCE = 2;
const MAX_PIECE_READ = 16 * 1024 * 1024;

/**
 * Answers BEP 52 `hash request`s from our files' trees: piece-layer ranges and above from the
 * piece layers (with proofs up to each file's root), leaf ranges inside one piece we have by
 * hashing that piece from disk. Anything else gets a reject.
 */
export class HashServer {
  readonly #merkle: MerklePieces;
  readonly #storage: () => Storage;
  readonly #byRoot = new Map<string, number>();
  readonly #trees = new Map<number, MerkleTree>();
  #reading = 0;

  constructor(merkle: MerklePieces, storage: () => Storage, fileCount: number) {
    this.#merkle = merkle;
    this.#storage = storage;
    for (let file = 0; file < fileCount; file++) {
      const root = merkle.root(file);
      if (root !== undefined) this.#byRoot.set(Buffer.from(root).toString('hex'), file);
    }
  }

  /** The file whose tree has this root, or -1. */
  fileOf(piecesRoot: Uint8Array): number {
    return this.#byRoot.get(Buffer.from(piecesRoot).toString('hex')) ?? -1;
  }

  /** The hashes answering `ref` (base hashes, then uncles), or undefined to reject it. */
  async answer(ref: HashRef): Promise<Uint8Array | undefined> {
    const file = this.fileOf(ref.piecesRoot);
    // BEP 52: at least two hashes, a power of two.
    if (file < 0 || ref.count < 2 || ref.count > MAX_HASHES_PER_REQUEST || (ref.count & (ref.count - 1)) !== 0) return undefined;
    const merkle = this.#merkle;
    const storage = this.#storage();
    const pieceLength = storage.layout.pieceLength;
    const fileLength = storage.layout.fileLength(file);
    const height = treeHeight(fileLength);
    if (!isValidRange(ref, height)) return undefined;
    const atPieces = pieceHeight(pieceLength);
    if (merkle.needsLayer(file) && ref.base >= atPieces) {
      const tree = this.#tree(file, pieceLength, fileLength);
      return tree && proofHashes(tree, ref);
    }
    return this.#fromPiece(file, ref, storage, merkle.needsLayer(file) ? atPieces : height, height);
  }

  /**
   * A range below the piece layer, inside one piece we have: that piece's leaves from disk give
   * the hashes and the uncles up to the piece's node; the piece layer gives the rest.
   */
  async #fromPiece(file: number, ref: HashRange, storage: Storage, pieceNode: number, height: number): Promise<Uint8Array | undefined> {
    const span = ref.base > pieceNode ? 0 : 2 ** (pieceNode - ref.base);
    const inFile = Math.floor(ref.index / span);
    if (span === 0 || ref.count > span) return undefined;
    const piece = storage.layout.piecesOfFile(file)!.first + inFile;
    if (!storage.have.has(piece) || this.#reading >= PIECE_READS_AT_ONCE || storage.layout.pieceSize(piece) > MAX_PIECE_READ) return undefined;
    let data: Uint8Array;
    this.#reading++;
    try {
      data = await storage.readPiece(piece);
    } catch {
      return undefined;
    } finally {
      this.#reading--;
    }
    const leaves = leafHashes(data.subarray(0, this.#merkle.dataBytes(piece)));
    const local = MerkleTree.fromLeaves(leaves, 2 ** pieceNode);
    const uncles = uncleCount(ref);
    const localUncles = Math.min(uncles, pieceNode - ref.base - Math.log2(ref.count));
    const inPiece = proofHashes(local, { base: ref.base, index: ref.index - inFile * span, count: ref.count, proofLayers: localUncles + Math.log2(ref.count) - 1 });
    if (inPiece === undefined) return undefined;
    const above = uncles - localUncles;
    if (above === 0) return inPiece;
    const tree = this.#merkle.needsLayer(file) ? this.#tree(file, storage.layout.pieceLength, storage.layout.fileLength(file)) : undefined;
    const rest = tree?.uncles(pieceNode, inFile, above);
    if (rest === undefined || pieceNode + above > height) return undefined;
    const out = new Uint8Array(inPiece.length + rest.length);
    out.set(inPiece);
    out.set(rest, inPiece.length);
    return out;
  }

  #tree(file: number, pieceLength: number, fileLength: number): MerkleTree | undefined {
    const cached = this.#trees.get(file);
    if (cached) {
      // Most recently used last.
      this.#trees.delete(file);
      this.#trees.set(file, cached);
      return cached;
    }
    const layer = this.#merkle.layer(file);
    if (layer === undefined) return undefined;
    const tree = MerkleTree.fromPieceLayer(layer, pieceLength, fileLength);
    if (this.#trees.size >= CACHED_TREES) this.#trees.delete(this.#trees.keys().next().value!);
    this.#trees.set(file, tree);
    return tree;
  }
}

/** Layers above the leaves of a file's tree: its leaves padded to a power of two. */
export function treeHeight(fileLength: number): number {
  const leaves = leafCount(fileLength);
  let height = 0;
  while (2 ** height < leaves) height++;
  return height;
}
