import { hashBytes, leafCount, log2, nextPowerOfTwo, padHash, parentLayer, pieceHeight } from './tree';

/**
 * One file's Merkle tree from a stored layer (the leaves, or the piece layer) up to the root.
 * Layers hold only the nodes that cover data; nodes past them are pad hashes. Heights count
 * layers above the leaves: the root is at `height`, a tree of 2^height leaves.
 */
export class MerkleTree {
  private constructor(
    /** `layers[0]` is at `baseHeight`, the last is the root alone. */
    private readonly layers: readonly Uint8Array[],
    readonly baseHeight: number,
    readonly height: number,
  ) {}

  /**
   * The tree over a file's leaf hashes. `width` (a power of two) widens it, e.g. to a piece's
   * leaf count for the subtree of a file's last, short piece.
   */
  static fromLeaves(leaves: Uint8Array, width = nextPowerOfTwo(leaves.length / hashBytes)): MerkleTree {
    return MerkleTree.build(leaves, 0, log2(width));
  }

  /** The tree of a file of `fileLength` bytes above its piece layer (as in `piece layers`). */
  static fromPieceLayer(layer: Uint8Array, pieceLength: number, fileLength: number): MerkleTree {
    const height = Math.max(pieceHeight(pieceLength), log2(nextPowerOfTwo(leafCount(fileLength))));
    return MerkleTree.build(layer, pieceHeight(pieceLength), height);
  }

  private static build(base: Uint8Array, baseHeight: number, height: number): MerkleTree {
    const layers = [base];
    for (let h = baseHeight; h < height; h++) layers.push(parentLayer(layers[layers.length - 1]!, h));
    // An empty base (an empty file's) still has a root: the pad hash at the top.
    if (base.length === 0) layers[layers.length - 1] = padHash(height);
    return new MerkleTree(layers, baseHeight, height);
  }

  get root(): Uint8Array {
    return this.layers[this.layers.length - 1]!.subarray(0, hashBytes);
  }

  /** The stored nodes of the layer at `height` (only those covering data), or undefined below the base. */
  layer(height: number): Uint8Array | undefined {
    return this.layers[height - this.baseHeight];
  }

  /** The node at `height`, position `index`: a pad hash past the data, undefined outside the tree. */
  node(height: number, index: number): Uint8Array | undefined {
    const layer = this.layer(height);
    if (layer === undefined || index < 0 || index >= 2 ** (this.height - height)) return undefined;
    const start = index * hashBytes;
    return start < layer.length ? layer.subarray(start, start + hashBytes) : padHash(height);
  }

  /**
   * The siblings of the node at (`height`, `index`) and of its ancestors, `count` of them from
   * `height` up, concatenated: what lets a node be checked against a node above it.
   */
  uncles(height: number, index: number, count: number): Uint8Array | undefined {
    if (height + count > this.height) return undefined;
    const out = new Uint8Array(count * hashBytes);
    for (let i = 0; i < count; i++) {
      const sibling = this.node(height + i, (index >> i) ^ 1);
      if (sibling === undefined) return undefined;
      out.set(sibling, i * hashBytes);
    }
    return out;
  }
}
