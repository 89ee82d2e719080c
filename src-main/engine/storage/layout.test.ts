import { describe, expect, it } from 'vitest';
import { PieceLayout } from './layout';
import { buildTorrent } from '../../testing/build-torrent';

describe('PieceLayout', () => {
  const { metainfo } = buildTorrent({
    name: 't',
    pieceLength: 32768,
    files: [
      { path: ['a'], length: 10000 },
      { path: ['empty'], length: 0 },
      { path: ['b'], length: 20000 },
      { path: ['.pad', '2768'], length: 2768, pad: true },
      { path: ['c'], length: 40000 },
      { path: ['trailing-empty'], length: 0 },
    ],
  });
  const layout = new PieceLayout(metainfo);

  it('sizes pieces and blocks, the last piece short', () => {
    expect(layout.pieceCount).toBe(3);
    expect(layout.pieceSize(0)).toBe(32768);
    expect(layout.pieceSize(2)).toBe(72768 - 65536);
    expect(layout.blockCount(0)).toBe(2);
    expect(layout.blockCount(2)).toBe(1);
    expect(layout.blockLength(2, 0)).toBe(7232);
  });

  it('maps a block spanning three files, skipping the zero-length one', () => {
    expect(layout.regions(8000, 30000)).toEqual([
      { file: 0, fileOffset: 8000, offset: 8000, length: 2000, pad: false },
      { file: 2, fileOffset: 0, offset: 10000, length: 20000, pad: false },
      { file: 3, fileOffset: 0, offset: 30000, length: 2768, pad: true },
      { file: 4, fileOffset: 0, offset: 32768, length: 5232, pad: false },
    ]);
  });

  it('finds the file owning each byte', () => {
    expect(layout.fileAt(0)).toBe(0);
    expect(layout.fileAt(9999)).toBe(0);
    expect(layout.fileAt(10000)).toBe(2);
    expect(layout.fileAt(30000)).toBe(3);
    expect(layout.fileAt(72767)).toBe(4);
  });

  it('maps the end of the stream into the last file', () => {
    expect(layout.regions(72000, 768)).toEqual([{ file: 4, fileOffset: 39232, offset: 72000, length: 768, pad: false }]);
  });

  it('lists the pieces of each file', () => {
    expect(layout.piecesOfFile(0)).toEqual({ first: 0, last: 0 });
    expect(layout.piecesOfFile(1)).toBeUndefined();
    expect(layout.piecesOfFile(4)).toEqual({ first: 1, last: 2 });
  });

  it('refuses ranges outside the torrent', () => {
    expect(() => layout.regions(72000, 769)).toThrow(RangeError);
    expect(() => layout.regions(-1, 10)).toThrow(RangeError);
  });

  it('agrees with a linear scan on many files', () => {
    const files = Array.from({ length: 500 }, (_, i) => ({ path: [`f${i}`], length: (i * 7919) % 3001 }));
    const big = new PieceLayout(buildTorrent({ name: 'many', pieceLength: 16384, files }).metainfo);
    let start = 0;
    files.forEach((f, i) => {
      if (f.length > 0) {
        expect(big.fileAt(start)).toBe(i);
        expect(big.fileAt(start + f.length - 1)).toBe(i);
      }
      start += f.length;
    });
  });

  it('rejects a Metainfo whose file offsets do not add up', () => {
    const broken = { ...metainfo, files: metainfo.files.map((f, i) => (i === 2 ? { ...f, offset: f.offset + 1 } : f)) };
    expect(() => new PieceLayout(broken)).toThrow(RangeError);
  });
});
