import { describe, expect, it } from 'vitest';
import { PieceLayout } from './layout';
import { regionTargets } from './region-targets';
import { buildTorrent } from '../../testing/build-torrent';

describe('regionTargets', () => {
  // Pieces of 16 KiB: a 0–20000 (pieces 0–1), empty, pad 20000–32768 (rest of piece 1),
  // b 32768–70000 (pieces 2–4), c 70000–80000 (piece 4).
  const { metainfo } = buildTorrent({
    name: 't',
    pieceLength: 16384,
    files: [
      { path: ['a'], length: 20000 },
      { path: ['empty'], length: 0 },
      { path: ['.pad', '12768'], length: 12768, pad: true },
      { path: ['b'], length: 37232 },
      { path: ['c'], length: 10000 },
    ],
  });
  const layout = new PieceLayout(metainfo);

  it('leaves wanted files whole, however many pieces they cross', () => {
    expect(regionTargets(layout, () => false, 10000, 60000)).toEqual([
      { kind: 'file', file: 0, fileOffset: 10000, at: 0, length: 10000 },
      { kind: 'pad', at: 10000, length: 12768 },
      { kind: 'file', file: 3, fileOffset: 0, at: 22768, length: 37232 },
    ]);
  });

  it('cuts a skipped file at piece boundaries, with offsets in the file, the piece and the range', () => {
    expect(regionTargets(layout, (f) => f === 3, 32768 + 16000, 20000)).toEqual([
      { kind: 'skipped', file: 3, fileOffset: 16000, piece: 2, pieceOffset: 16000, at: 0, length: 384 },
      { kind: 'skipped', file: 3, fileOffset: 16384, piece: 3, pieceOffset: 0, at: 384, length: 16384 },
      { kind: 'skipped', file: 3, fileOffset: 32768, piece: 4, pieceOffset: 0, at: 16768, length: 3232 },
    ]);
  });

  it('splits a piece straddling a skipped and a wanted file', () => {
    // Piece 4 (65536–81920, short: the torrent ends at 80000): b's tail, then c.
    expect(regionTargets(layout, (f) => f === 3, 65536, 14464)).toEqual([
      { kind: 'skipped', file: 3, fileOffset: 32768, piece: 4, pieceOffset: 0, at: 0, length: 4464 },
      { kind: 'file', file: 4, fileOffset: 0, at: 4464, length: 10000 },
    ]);
    expect(regionTargets(layout, (f) => f === 4, 65536, 14464)).toEqual([
      { kind: 'file', file: 3, fileOffset: 32768, at: 0, length: 4464 },
      { kind: 'skipped', file: 4, fileOffset: 0, piece: 4, pieceOffset: 4464, at: 4464, length: 10000 },
    ]);
  });

  it('never maps bytes to a zero-length file and keeps pad files as zeros even when "skipped"', () => {
    const targets = regionTargets(layout, (f) => f === 1 || f === 2, 16384, 16384);
    expect(targets).toEqual([
      { kind: 'file', file: 0, fileOffset: 16384, at: 0, length: 3616 },
      { kind: 'pad', at: 3616, length: 12768 },
    ]);
  });
});
