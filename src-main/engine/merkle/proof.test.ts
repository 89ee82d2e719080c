import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MerkleTree } from './merkle-tree';
import { isValidRange, proofHashes, proofTop, uncleCount, verifyHashes, type HashRange } from './proof';
import { hashBytes, leafBytes, leafHashes, pieceLayerFromLeaves } from './tree';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// 37 blocks: a 64-leaf tree (height 6) with padding at every layer.
const data = randomBytes(37 * leafBytes - 1000);
const tree = MerkleTree.fromLeaves(leafHashes(data));

/** Every aligned power-of-two range of every layer, with every proof depth that stops below the root. */
function* ranges(height: number, bases: readonly number[]): Generator<HashRange> {
  for (const base of bases) {
    for (let count = 1; count <= 2 ** (height - base); count *= 2) {
      for (let index = 0; index < 2 ** (height - base); index += count) {
        for (let proofLayers = 0; base + proofLayers < height; proofLayers++) yield { base, index, count, proofLayers };
      }
    }
  }
}

describe('Merkle proofs for hash request / hashes', () => {
  it('counts uncles as BEP 52 does: the first log2(count) - 1 proof layers are implied', () => {
    expect(uncleCount({ base: 0, index: 0, count: 2, proofLayers: 1 })).toBe(1);
    expect(uncleCount({ base: 0, index: 0, count: 2, proofLayers: 3 })).toBe(3);
    expect(uncleCount({ base: 0, index: 0, count: 8, proofLayers: 2 })).toBe(0);
    expect(uncleCount({ base: 0, index: 0, count: 8, proofLayers: 3 })).toBe(1);
    expect(uncleCount({ base: 0, index: 0, count: 512, proofLayers: 10 })).toBe(2);
  });

  it('answers every valid range with hashes that prove themselves up to the root', () => {
    let proved = 0;
    for (const range of ranges(tree.height, [0, 1, 2])) {
      const hashes = proofHashes(tree, range)!;
      expect(hashes.length).toBe((range.count + uncleCount(range)) * hashBytes);
      expect(hex(hashes.subarray(0, hashBytes))).toBe(hex(tree.node(range.base, range.index)!));
      const top = proofTop(range, hashes)!;
      // Wherever the proof stops, it stops at the tree's own node.
      expect(hex(top.hash)).toBe(hex(tree.node(top.height, top.index)!));
      if (top.height === tree.height) {
        expect(verifyHashes(tree.root, tree.height, range, hashes)).toBe(true);
        proved++;
      }
    }
    expect(proved).toBeGreaterThan(50);
  });

  it('refuses a proof with any byte changed, one hash missing, or the wrong root', () => {
    const range = { base: 0, index: 4, count: 4, proofLayers: 5 };
    const hashes = proofHashes(tree, range)!;
    expect(verifyHashes(tree.root, tree.height, range, hashes)).toBe(true);
    for (let i = 0; i < hashes.length; i += 7) {
      const bad = hashes.slice();
      bad[i]! ^= 1;
      expect(verifyHashes(tree.root, tree.height, range, bad)).toBe(false);
    }
    expect(verifyHashes(tree.root, tree.height, range, hashes.subarray(hashBytes))).toBe(false);
    expect(verifyHashes(randomBytes(32), tree.height, range, hashes)).toBe(false);
    // The same hashes claimed for another position do not prove.
    expect(verifyHashes(tree.root, tree.height, { ...range, index: 8 }, hashes)).toBe(false);
  });

  it('proves one piece of leaves up to the piece layer, for blaming blocks', () => {
    const pieceLength = 4 * leafBytes;
    const layer = pieceLayerFromLeaves(leafHashes(data), pieceLength);
    const upper = MerkleTree.fromPieceLayer(layer, pieceLength, data.length);
    expect(hex(upper.root)).toBe(hex(tree.root));
    // Leaves of piece 9 (the last, partly padding) with proof layers stopping at the piece layer.
    const range = { base: 0, index: 36, count: 4, proofLayers: 1 };
    const top = proofTop(range, proofHashes(tree, range)!)!;
    expect(top).toMatchObject({ height: 2, index: 9 });
    expect(hex(top.hash)).toBe(hex(upper.node(2, 9)!));
    // The tree from the piece layer up cannot answer for leaves.
    expect(proofHashes(upper, range)).toBeUndefined();
    expect(hex(proofHashes(upper, { base: 2, index: 8, count: 8, proofLayers: 3 })!.subarray(0, 32))).toBe(hex(layer.subarray(8 * 32, 9 * 32)));
  });

  it('pads a range cut short by the end of a layer', () => {
    const small = MerkleTree.fromLeaves(leafHashes(randomBytes(3 * leafBytes)));
    const range = { base: 0, index: 0, count: 3, proofLayers: 0 };
    expect(verifyHashes(small.root, small.height, range, proofHashes(small, range)!)).toBe(true);
  });

  it.each([
    ['an index that is not a multiple of the count', { base: 0, index: 2, count: 4, proofLayers: 0 }],
    ['a range past the end of the layer', { base: 0, index: 64, count: 2, proofLayers: 0 }],
    ['a base above the root', { base: 7, index: 0, count: 1, proofLayers: 0 }],
    ['proof layers reaching past the root', { base: 0, index: 0, count: 2, proofLayers: 6 }],
    ['a zero count', { base: 0, index: 0, count: 0, proofLayers: 0 }],
    ['a negative index', { base: 0, index: -2, count: 2, proofLayers: 0 }],
    ['a fractional count', { base: 0, index: 0, count: 1.5, proofLayers: 0 }],
  ])('refuses %s', (_what, range) => {
    expect(isValidRange(range, tree.height)).toBe(false);
    expect(proofHashes(tree, range)).toBeUndefined();
  });
});
