import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../../src-shared/bitfield';
import { bucketAvailability, bucketPieces, countBits, layoutPieces } from './pieces-layout';

describe('layoutPieces', () => {
  it('gives few pieces big cells, capped', () => {
    const l = layoutPieces(10, 800, 160, 12);
    expect(l.cellPx).toBe(12);
    expect(l.piecesPerCell).toBe(1);
    expect(l.cells).toBe(10);
  });

  it('fits every piece inside the canvas, one per cell, while they fit', () => {
    for (const [n, w, h] of [
      [5000, 800, 160],
      [1234, 333, 77],
      [20_000, 1000, 168],
      [96_000, 800, 120],
    ] as const) {
      const l = layoutPieces(n, w, h, 24);
      expect(l.piecesPerCell).toBe(1);
      expect(l.cols * l.cellPx).toBeLessThanOrEqual(w);
      expect(l.rows * l.cellPx).toBeLessThanOrEqual(h);
      expect(l.cols * l.rows).toBeGreaterThanOrEqual(n);
    }
  });

  it('downsamples when there are more pieces than pixels', () => {
    const l = layoutPieces(100_000, 800, 100, 12);
    expect(l.cellPx).toBe(1);
    expect(l.piecesPerCell).toBe(2);
    expect(l.cells).toBe(50_000);
    expect(l.rows).toBeLessThanOrEqual(100);
    const huge = layoutPieces(1 << 22, 1200, 336, 24);
    expect(huge.piecesPerCell * huge.cells).toBeGreaterThanOrEqual(1 << 22);
    expect(huge.rows).toBeLessThanOrEqual(336);
  });

  it('is empty for nothing to draw', () => {
    expect(layoutPieces(0, 800, 100, 12).cells).toBe(0);
    expect(layoutPieces(10, 0, 100, 12).cells).toBe(0);
  });
});

describe('bucketPieces', () => {
  it('reports the share of pieces had per cell and any downloading piece', () => {
    const have = new Bitfield(10);
    const dl = new Bitfield(10);
    for (const i of [0, 1, 2, 3, 5]) have.set(i);
    dl.set(9);
    const cells = bucketPieces(have.bytes, dl.bytes, 10, 4, 3);
    expect([...cells.have]).toEqual([255, 64, 0]);
    expect([...cells.downloading]).toEqual([0, 0, 1]);
  });

  it('is exact with one piece per cell, in wire bit order', () => {
    const have = new Bitfield(12);
    have.set(0);
    have.set(9);
    const cells = bucketPieces(have.bytes, new Uint8Array(2), 12, 1, 12);
    expect([...cells.have].map((v) => (v ? 1 : 0))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  });
});

describe('bucketAvailability', () => {
  it('keeps the rarest piece of each column', () => {
    expect([...bucketAvailability(Uint8Array.from([5, 1, 7, 7, 3, 9]), 6, 3)]).toEqual([1, 7, 3]);
  });
  it('stretches few pieces over many columns', () => {
    expect([...bucketAvailability(Uint8Array.from([2, 0]), 2, 4)]).toEqual([2, 2, 0, 0]);
  });
});

describe('countBits', () => {
  it('counts set pieces and ignores spare bits', () => {
    const bits = new Bitfield(13);
    for (const i of [0, 7, 8, 12]) bits.set(i);
    expect(countBits(bits.bytes, 13)).toBe(4);
    expect(countBits(Uint8Array.from([0xff, 0xff]), 13)).toBe(13);
  });
});
