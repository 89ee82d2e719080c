/**
 * BEP 52 Merkle trees: SHA-256 over 16 KiB leaves, padded with zero leaf hashes to a power of two.
 *
 * Hashes travel as concatenated 32-byte hashes in one `Uint8Array` (a layer). Heights count layers
 * above the leaves (0 = leaves; a piece of `pieceLength` bytes sits at `pieceHeight(pieceLength)`).
 *
 * - Roots and layers: `leafHashes(data)`, `rootFromLeaves`, `pieceRoot` (a piece's subtree root,
 *   what a piece is verified against), `pieceLayerFromLeaves` (a file's `piece layers` entry),
 *   `rootFromPieceLayer`, `padHash(height)` (the root of an all-zero subtree).
 * - `MerkleTree`: one file's tree from its leaves or its piece layer up; nodes and uncles.
 * - Proofs (`hash request` / `hashes`): `proofHashes(tree, range)` answers a request,
 *   `verifyHashes(root, height, range, hashes)` checks one up to the root, `proofTop` climbs a
 *   proof that stops at a node the caller already trusts.
 */
export { MerkleTree } from './merkle-tree';
export { isValidRange, proofHashes, proofTop, uncleCount, verifyHashes } from './proof';
export type { HashRange, ProofTop } from './proof';
export {
  hashBytes,
  hashPair,
  leafBytes,
  leafCount,
  leafHashes,
  padHash,
  pieceHeight,
  pieceLayerFromLeaves,
  pieceRoot,
  rootFromLeaves,
  rootFromPieceLayer,
  sha256,
} from './tree';
