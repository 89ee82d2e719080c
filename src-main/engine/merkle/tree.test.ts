import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MerkleTree } from './merkle-tree';
import {
  hashBytes,
  leafBytes,
  leafHashes,
  padHash,
  pieceHeight,
  pieceLayerFromLeaves,
  pieceRoot,
  rootFromLeaves,
  rootFromPieceLayer,
} from './tree';

const sha = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// A second, deliberately naive reading of BEP 52: hash every block, append 32-byte zero leaves
// up to a power of two, then halve until one node is left.
function naiveRoot(data: Uint8Array, minLeaves = 1): Buffer {
  let layer: Buffer[] = [];
  for (let i = 0; i < data.length; i += leafBytes) layer.push(sha(data.subarray(i, i + leafBytes)));
  let width = minLeaves;
  while (width < layer.length) width *= 2;
  while (layer.length < width) layer.push(Buffer.alloc(32));
  while (layer.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i < layer.length; i += 2) up.push(sha(Buffer.concat([layer[i]!, layer[i + 1]!])));
    layer = up;
  }
  return layer[0]!;
}

const sizes = [1, leafBytes - 1, leafBytes, leafBytes + 1, 3 * leafBytes, 5 * leafBytes + 7, 16 * leafBytes, 17 * leafBytes - 3, 40 * leafBytes + 1];

describe('Merkle trees of BEP 52', () => {
  it('pads with zero leaves: the pad hash one layer up is the hash of two zero hashes', () => {
    expect(hex(padHash(0))).toBe('00'.repeat(32));
    expect(hex(padHash(1))).toBe(hex(sha(new Uint8Array(64))));
    expect(hex(padHash(2))).toBe(hex(sha(Buffer.concat([padHash(1), padHash(1)]))));
  });

  it('hashes each 16 KiB block, the last one short', () => {
    const data = randomBytes(2 * leafBytes + 100);
    const leaves = leafHashes(data);
    expect(leaves.length).toBe(3 * hashBytes);
    expect(hex(leaves.subarray(64))).toBe(hex(sha(data.subarray(2 * leafBytes))));
    expect(leafHashes(new Uint8Array(0)).length).toBe(0);
  });

  it.each(sizes)('gives a %i-byte file the root a naive tree gives', (size) => {
    const data = randomBytes(size);
    expect(hex(rootFromLeaves(leafHashes(data)))).toBe(hex(naiveRoot(data)));
    expect(hex(MerkleTree.fromLeaves(leafHashes(data)).root)).toBe(hex(naiveRoot(data)));
  });

  it('makes a one-block file its own root', () => {
    const data = randomBytes(500);
    expect(hex(rootFromLeaves(leafHashes(data)))).toBe(hex(sha(data)));
  });

  it.each([
    [16 * 1024, 5 * leafBytes + 7],
    [64 * 1024, 17 * leafBytes - 3],
    [64 * 1024, 16 * leafBytes],
    [128 * 1024, 40 * leafBytes + 1],
  ])('with %i-byte pieces, a %i-byte file: piece layer, piece roots and the root agree', (pieceLength, size) => {
    const data = randomBytes(size);
    const leaves = leafHashes(data);
    const layer = pieceLayerFromLeaves(leaves, pieceLength);
    const pieces = Math.ceil(size / pieceLength);
    // Only hashes that cover data: none for the padding past the file's last piece.
    expect(layer.length).toBe(pieces * hashBytes);
    for (let p = 0; p < pieces; p++) {
      const piece = data.subarray(p * pieceLength, (p + 1) * pieceLength);
      // Each piece-layer hash is the root of a whole piece's subtree, the last padded with zero leaves.
      expect(hex(layer.subarray(p * 32, p * 32 + 32))).toBe(hex(naiveRoot(piece, pieceLength / leafBytes)));
      expect(hex(pieceRoot(leafHashes(piece), pieceLength))).toBe(hex(layer.subarray(p * 32, p * 32 + 32)));
    }
    expect(hex(rootFromPieceLayer(layer, pieceLength))).toBe(hex(naiveRoot(data)));
    expect(hex(MerkleTree.fromPieceLayer(layer, pieceLength, size).root)).toBe(hex(naiveRoot(data)));
  });

  it('places a piece at log2(piece length / 16 KiB) layers above the leaves', () => {
    expect(pieceHeight(16 * 1024)).toBe(0);
    expect(pieceHeight(32 * 1024)).toBe(1);
    expect(pieceHeight(4 * 1024 * 1024)).toBe(8);
  });

  it('answers nodes past the data with pad hashes and nodes outside the tree with nothing', () => {
    const data = randomBytes(5 * leafBytes);
    const tree = MerkleTree.fromLeaves(leafHashes(data));
    expect(tree.height).toBe(3);
    expect(hex(tree.node(0, 5)!)).toBe(hex(padHash(0)));
    expect(hex(tree.node(1, 3)!)).toBe(hex(padHash(1)));
    expect(tree.node(0, 8)).toBeUndefined();
    expect(tree.node(4, 0)).toBeUndefined();
    expect(hex(tree.node(3, 0)!)).toBe(hex(tree.root));
    // A tree kept from the piece layer up has no leaves to give.
    const upper = MerkleTree.fromPieceLayer(pieceLayerFromLeaves(leafHashes(data), 32 * 1024), 32 * 1024, data.length);
    expect(upper.node(0, 0)).toBeUndefined();
    expect(hex(upper.node(1, 1)!)).toBe(hex(tree.node(1, 1)!));
  });
});
