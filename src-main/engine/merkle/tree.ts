import { hash } from 'node:crypto';

/** BEP 52: a file's Merkle tree is built over SHA-256 hashes of its 16 KiB blocks. */
export const leafBytes = 16 * 1024;
export const hashBytes = 32;

/** SHA-256 of `data` as a plain byte array. */
export function sha256(data: Uint8Array): Uint8Array {
  const digest = hash('sha256', data, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/** The smallest power of two at or above `n` (1 for 0 and 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** log2 of a power of two. */
export function log2(powerOfTwo: number): number {
  return Math.round(Math.log2(powerOfTwo));
}

// Pad hashes by height; the chain is short (a 2^53-byte file is 39 layers high).
const pads: Uint8Array[] = [new Uint8Array(hashBytes)];

/**
 * The hash standing in for a node past the end of a file at `height` layers above the leaves:
 * BEP 52 sets missing leaves to zero hashes, so the node is the root of an all-zero subtree
 * (32 zero bytes at the leaves, not zero at every height).
 */
export function padHash(height: number): Uint8Array {
  while (pads.length <= height) {
    const below = pads[pads.length - 1]!;
    pads.push(hashPair(below, below));
  }
  return pads[height]!;
}

/** The number of 16 KiB leaves a file of `length` bytes has (0 for an empty file). */
export function leafCount(length: number): number {
  return Math.ceil(length / leafBytes);
}

/** SHA-256 of each 16 KiB block of `data` (the last may be shorter), concatenated. */
export function leafHashes(data: Uint8Array): Uint8Array {
  const count = leafCount(data.length);
  const out = new Uint8Array(count * hashBytes);
  for (let i = 0; i < count; i++) {
    out.set(sha256(data.subarray(i * leafBytes, (i + 1) * leafBytes)), i * hashBytes);
  }
  return out;
}

/**
 * The layer above `layer` (concatenated hashes at `height`): each pair hashed together, an odd
 * last node paired with the pad hash of its height. Only nodes covering data are returned.
 */
export function parentLayer(layer: Uint8Array, height: number): Uint8Array {
  const count = layer.length / hashBytes;
  const parents = Math.ceil(count / 2);
  const out = new Uint8Array(parents * hashBytes);
  for (let i = 0; i < parents; i++) {
    const left = layer.subarray(2 * i * hashBytes, (2 * i + 1) * hashBytes);
    const right = 2 * i + 1 < count ? layer.subarray((2 * i + 1) * hashBytes, (2 * i + 2) * hashBytes) : padHash(height);
    out.set(hashPair(left, right), i * hashBytes);
  }
  return out;
}

/** SHA-256 of two hashes side by side: a parent node. */
export function hashPair(left: Uint8Array, right: Uint8Array): Uint8Array {
  const pair = new Uint8Array(2 * hashBytes);
  pair.set(left, 0);
  pair.set(right, hashBytes);
  return sha256(pair);
}

/**
 * The root over `layer` (hashes at `height`) padded with pad hashes to `width` nodes, a power of
 * two at least as large as the layer.
 */
export function rootOfLayer(layer: Uint8Array, height: number, width = nextPowerOfTwo(layer.length / hashBytes)): Uint8Array {
  if (layer.length === 0) return padHash(height + log2(width));
  let current = layer;
  for (let h = height; h < height + log2(width); h++) current = parentLayer(current, h);
  return current.slice(0, hashBytes);
}

/** A file's `pieces root` from its leaf hashes: the tree spans the next power of two of leaves. */
export function rootFromLeaves(leaves: Uint8Array): Uint8Array {
  return rootOfLayer(leaves, 0);
}

/** How many layers above the leaves a piece of `pieceLength` bytes (a power of two ≥ 16 KiB) sits. */
export function pieceHeight(pieceLength: number): number {
  return log2(pieceLength / leafBytes);
}

/**
 * The root of one piece's subtree from the leaf hashes of its data: the piece-layer hash a piece
 * is verified against. A file's last piece may have fewer leaves; the rest are zero hashes.
 */
export function pieceRoot(leaves: Uint8Array, pieceLength: number): Uint8Array {
  return rootOfLayer(leaves, 0, pieceLength / leafBytes);
}

/**
 * The `piece layers` entry of a file from its leaf hashes: one hash per piece of data, each the
 * root of `pieceLength / 16 KiB` leaves (BEP 52 leaves out hashes covering only padding).
 */
export function pieceLayerFromLeaves(leaves: Uint8Array, pieceLength: number): Uint8Array {
  let layer = leaves;
  for (let h = 0; h < pieceHeight(pieceLength); h++) layer = parentLayer(layer, h);
  return layer;
}

/** The root of a file larger than one piece from its piece layer. */
export function rootFromPieceLayer(layer: Uint8Array, pieceLength: number): Uint8Array {
  return rootOfLayer(layer, pieceHeight(pieceLength));
}
