import { describe, expect, it } from 'vitest';
import { buildTorrent } from '../../testing/build-torrent';
import { leafHashes, pieceLayerFromLeaves, rootFromLeaves } from '../merkle';
import { PieceLayout } from './layout';
import { MerklePieces, type FileTreeHashes } from './merkle-pieces';
import { MerklePieceHashes } from './piece-hash';

const pieceLength = 64 * 1024;

/** Files aligned to pieces with pad files between them, as in a hybrid: 3.5 pieces, 20 KB, empty, exactly one piece, 5 bytes. */
function aligned() {
  const { metainfo, content } = buildTorrent({
    name: 'v2',
    pieceLength,
    files: [
      { path: ['a'], length: 3 * pieceLength + 30_000 },
      { path: ['.pad', '1'], length: pieceLength - 30_000, pad: true },
      { path: ['b'], length: 20_000 },
      { path: ['.pad', '2'], length: pieceLength - 20_000, pad: true },
      { path: ['c'], length: 0 },
      { path: ['d'], length: pieceLength },
      { path: ['e'], length: 5 },
    ],
  });
  const layout = new PieceLayout(metainfo);
  const trees: FileTreeHashes[] = metainfo.files.map((f) => {
    if (f.pad || f.length === 0) return {};
    const leaves = leafHashes(content.subarray(f.offset, f.offset + f.length));
    return { piecesRoot: rootFromLeaves(leaves), ...(f.length > pieceLength && { pieceLayer: pieceLayerFromLeaves(leaves, pieceLength) }) };
  });
  return { metainfo, content, layout, trees };
}

/** Feeds a piece (pad bytes included, as the byte stream has them) in uneven slices. */
function check(hashes: MerklePieceHashes, piece: number, bytes: Uint8Array): boolean {
  const h = hashes.start(piece);
  for (let at = 0; at < bytes.length; at += 7_000) h.update(bytes.subarray(at, Math.min(bytes.length, at + 7_000)));
  return h.matches();
}

describe('MerklePieces', () => {
  it('maps each piece to its file and its node, short last pieces and one-piece files included', () => {
    const { layout, trees } = aligned();
    const m = new MerklePieces(layout, trees);
    expect([0, 1, 2, 3, 4, 5, 6].map((p) => m.fileOf(p))).toEqual([0, 0, 0, 0, 2, 5, 6]);
    expect([3, 4, 5, 6].map((p) => m.dataBytes(p))).toEqual([30_000, 20_000, pieceLength, 5]);
    expect(m.indexInFile(3)).toBe(3);
    expect(m.missingLayers()).toEqual([]);
    expect(m.expected(4)).toEqual(trees[2]!.piecesRoot);
    expect(m.expected(2)).toEqual(trees[0]!.pieceLayer!.subarray(64, 96));
  });

  it('verifies every piece by its leaves, whatever slices the bytes come in, and refuses one wrong byte', () => {
    const { layout, trees, content } = aligned();
    const hashes = new MerklePieceHashes(new MerklePieces(layout, trees));
    for (let p = 0; p < layout.pieceCount; p++) {
      const bytes = content.subarray(p * pieceLength, p * pieceLength + layout.pieceSize(p));
      expect(check(hashes, p, bytes)).toBe(true);
      const bad = Buffer.from(bytes);
      bad[Math.min(bad.length - 1, 17_000)]! ^= 1;
      expect(check(hashes, p, bad)).toBe(false);
    }
  });

  it('ignores the pad bytes after a file in its last piece (they are not the file’s)', () => {
    const { layout, trees, content } = aligned();
    const hashes = new MerklePieceHashes(new MerklePieces(layout, trees));
    const bytes = Buffer.from(content.subarray(3 * pieceLength, 4 * pieceLength));
    bytes[40_000] = 7; // in the pad file
    expect(check(hashes, 3, bytes)).toBe(true);
  });

  it('takes a piece layer only if it hashes to the root, and fails pieces while it is unknown', () => {
    const { layout, trees, content } = aligned();
    const withoutLayer = trees.map(({ piecesRoot }) => ({ piecesRoot }));
    const m = new MerklePieces(layout, withoutLayer);
    expect(m.missingLayers()).toEqual([0]);
    const hashes = new MerklePieceHashes(m);
    expect(check(hashes, 1, content.subarray(pieceLength, 2 * pieceLength))).toBe(false);
    const wrong = Uint8Array.from(trees[0]!.pieceLayer!);
    wrong[0]! ^= 1;
    expect(m.setLayer(0, wrong)).toBe(false);
    expect(m.setLayer(0, trees[0]!.pieceLayer!.subarray(32))).toBe(false);
    expect(m.setLayer(0, trees[0]!.pieceLayer!)).toBe(true);
    expect(m.missingLayers()).toEqual([]);
    expect(check(hashes, 1, content.subarray(pieceLength, 2 * pieceLength))).toBe(true);
  });
});
