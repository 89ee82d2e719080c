import type { MerkleTree } from './merkle-tree';
import { hashBytes, hashPair, log2, nextPowerOfTwo, parentLayer } from './tree';

/**
 * What BEP 52's `hash request`, `hashes` and `hash reject` messages name in a file's tree: `count`
 * hashes of the layer `base` layers above the leaves from position `index`, plus uncle hashes
 * for `proofLayers` layers above the base (those the requested hashes imply are left out).
 */
export interface HashRange {
  readonly base: number;
  readonly index: number;
  readonly count: number;
  readonly proofLayers: number;
}

/**
 * Whether a range makes sense in a tree `height` layers high: `count` ≥ 1 hashes starting at a
 * multiple of its power-of-two width, inside the layer, and proof layers that stop below the root.
 * (The caller bounds `count` further: BEP 52 says requests should not exceed 512 hashes.)
 */
export function isValidRange(range: HashRange, height: number): boolean {
  const { base, index, count, proofLayers } = range;
  if (![base, index, count, proofLayers].every((n) => Number.isSafeInteger(n) && n >= 0)) return false;
  if (base > height || count < 1) return false;
  const width = nextPowerOfTwo(count);
  if (index % width !== 0 || index + count > 2 ** (height - base)) return false;
  return uncleCount(range) === 0 || base + proofLayers < height;
}

/** How many uncle hashes follow the base hashes in a `hashes` message for `range`. */
export function uncleCount(range: HashRange): number {
  return Math.max(0, range.proofLayers - log2(nextPowerOfTwo(range.count)) + 1);
}

/**
 * The payload of a `hashes` message answering `range` from `tree`: the base hashes, then the
 * uncles from the lowest layer up. Undefined when the range is invalid or the tree does not hold
 * the layers it needs (e.g. leaf hashes from a tree kept from the piece layer up).
 */
export function proofHashes(tree: MerkleTree, range: HashRange): Uint8Array | undefined {
  if (!isValidRange(range, tree.height)) return undefined;
  const { base, index, count } = range;
  const uncles = uncleCount(range);
  const out = new Uint8Array((count + uncles) * hashBytes);
  for (let i = 0; i < count; i++) {
    const node = tree.node(base, index + i);
    if (node === undefined) return undefined;
    out.set(node, i * hashBytes);
  }
  if (uncles > 0) {
    const above = log2(nextPowerOfTwo(count));
    const proof = tree.uncles(base + above, index >> above, uncles);
    if (proof === undefined) return undefined;
    out.set(proof, count * hashBytes);
  }
  return out;
}

/** The node a proof leads to: compared with the root, or with a node already verified. */
export interface ProofTop {
  readonly height: number;
  readonly index: number;
  readonly hash: Uint8Array;
}

/**
 * Climbs from the base hashes of a `hashes` payload through its uncles to the highest node they
 * prove; undefined when the payload's length does not fit the range.
 */
export function proofTop(range: HashRange, hashes: Uint8Array): ProofTop | undefined {
  const uncles = uncleCount(range);
  if (hashes.length !== (range.count + uncles) * hashBytes) return undefined;
  const width = nextPowerOfTwo(range.count);
  let layer: Uint8Array = hashes.slice(0, range.count * hashBytes);
  let height = range.base;
  // The base hashes form a subtree of `width` nodes; a truncated range is padded to it.
  for (let h = range.base; h < range.base + log2(width); h++) {
    layer = parentLayer(layer, h);
    height++;
  }
  let hash: Uint8Array = layer.subarray(0, hashBytes);
  let index = range.index / width;
  for (let i = 0; i < uncles; i++) {
    const uncle = hashes.subarray((range.count + i) * hashBytes, (range.count + i + 1) * hashBytes);
    hash = (index & 1) === 0 ? hashPair(hash, uncle) : hashPair(uncle, hash);
    index >>= 1;
    height++;
  }
  return { height, index, hash };
}

/**
 * Whether a `hashes` payload for `range` proves itself against a file's `root` in a tree
 * `height` layers high. A payload whose proof stops below the root is checked by the caller
 * against a node it already trusts, with `proofTop`.
 */
export function verifyHashes(root: Uint8Array, height: number, range: HashRange, hashes: Uint8Array): boolean {
  if (!isValidRange(range, height)) return false;
  const top = proofTop(range, hashes);
  return top !== undefined && top.height === height && Buffer.compare(top.hash, root) === 0;
}
