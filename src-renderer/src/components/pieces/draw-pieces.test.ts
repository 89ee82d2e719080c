import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../../src-shared/bitfield';
import { drawAvailability, drawGrid, parseHex, type PieceColors } from './draw-pieces';

/** Just enough of a 2D context to capture what was painted. */
function fakeContext() {
  let painted: ImageData | null = null;
  const ctx = {
    createImageData: (w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4), width: w, height: h, colorSpace: 'srgb' }) as ImageData,
    putImageData: (image: ImageData) => {
      painted = image;
    },
  };
  return {
    ctx: ctx as unknown as CanvasRenderingContext2D,
    pixel(x: number, y: number): number[] {
      if (!painted) throw new Error('nothing painted');
      const i = (y * painted.width + x) * 4;
      return [...painted.data.slice(i, i + 3)];
    },
  };
}

const colors: PieceColors = { have: [0, 0, 255], missing: [200, 200, 200], downloading: [0, 255, 0], background: [255, 255, 255], rare: [255, 0, 0] };

describe('parseHex', () => {
  it('reads #rrggbb and falls back on anything else', () => {
    expect(parseHex(' #2563eb ', [0, 0, 0])).toEqual([0x25, 0x63, 0xeb]);
    expect(parseHex('rgb(1, 2, 3)', [9, 9, 9])).toEqual([9, 9, 9]);
  });
});

describe('drawGrid', () => {
  it('paints had, downloading and missing pieces in their colours, in wire bit order', () => {
    const have = new Bitfield(4);
    const downloading = new Bitfield(4);
    have.set(0);
    downloading.set(2);
    const { ctx, pixel } = fakeContext();
    // 4 pieces on 40 × 10 px with 10 px cells: one row, a 1 px gap after each cell.
    const layout = drawGrid(ctx, { pieceCount: 4, have: have.bytes, downloading: downloading.bytes, availability: new Uint8Array(4) }, 40, 10, 10, colors);
    expect(layout).toMatchObject({ cols: 4, rows: 1, cellPx: 10, piecesPerCell: 1 });
    expect(pixel(2, 2)).toEqual(colors.have);
    expect(pixel(12, 2)).toEqual(colors.missing);
    expect(pixel(22, 2)).toEqual(colors.downloading);
    expect(pixel(32, 2)).toEqual(colors.missing);
    expect(pixel(9, 2)).toEqual(colors.background); // the gap
  });

  it('blends a downsampled pixel by the share of its pieces we have', () => {
    const have = new Bitfield(8);
    have.set(0); // pixel 0 covers pieces 0..3: a quarter had
    for (const i of [4, 5, 6, 7]) have.set(i);
    const { ctx, pixel } = fakeContext();
    const layout = drawGrid(ctx, { pieceCount: 8, have: have.bytes, downloading: new Uint8Array(1), availability: new Uint8Array(8) }, 2, 1, 4, colors);
    expect(layout.piecesPerCell).toBe(4);
    expect(pixel(0, 0)).toEqual([150, 150, 214]);
    expect(pixel(1, 0)).toEqual(colors.have);
  });
});

describe('drawAvailability', () => {
  it('marks columns holding a rare piece', () => {
    const { ctx, pixel } = fakeContext();
    drawAvailability(ctx, { pieceCount: 4, have: new Uint8Array(1), downloading: new Uint8Array(1), availability: Uint8Array.from([10, 10, 1, 10]) }, 4, 4, colors);
    expect(pixel(2, 3)).toEqual(colors.rare);
    expect(pixel(2, 0)).toEqual(colors.rare); // rare columns are drawn full height
    expect(pixel(0, 3)).not.toEqual(colors.rare);
    expect(pixel(0, 3)).not.toEqual(colors.background);
  });
});
