/**
 * How a torrent's pieces map onto a canvas: a grid of square cells, one piece per cell while they
 * fit, several pieces per device pixel when they do not (100,000+ pieces on a small panel).
 */

export interface PiecesLayout {
  cols: number;
  rows: number;
  /** Cell edge in device pixels. */
  cellPx: number;
  piecesPerCell: number;
  cells: number;
}

export function layoutPieces(pieceCount: number, widthPx: number, heightPx: number, maxCellPx: number): PiecesLayout {
  const w = Math.floor(widthPx);
  const h = Math.floor(heightPx);
  if (pieceCount <= 0 || w <= 0 || h <= 0) return { cols: 0, rows: 0, cellPx: 0, piecesPerCell: 0, cells: 0 };
  let cellPx = Math.max(1, Math.min(maxCellPx, Math.floor(Math.sqrt((w * h) / pieceCount))));
  // Rounding to whole columns can overflow the height; shrink until the grid fits.
  while (cellPx > 1 && Math.ceil(pieceCount / Math.floor(w / cellPx)) * cellPx > h) cellPx--;
  const cols = Math.floor(w / cellPx);
  const rowsFit = Math.floor(h / cellPx);
  const piecesPerCell = Math.max(1, Math.ceil(pieceCount / (cols * rowsFit)));
  const cells = Math.ceil(pieceCount / piecesPerCell);
  return { cols, rows: Math.ceil(cells / cols), cellPx, piecesPerCell, cells };
}

export interface CellStates {
  /** Per cell, the share of its pieces we have, 0..255. */
  have: Uint8Array;
  /** Per cell, 1 when any of its pieces is being downloaded. */
  downloading: Uint8Array;
}

function bit(bits: Uint8Array, i: number): number {
  return ((bits[i >> 3] ?? 0) >> (7 - (i & 7))) & 1;
}

/** Folds the have / downloading bitfields (wire bit order) into `cells` cells of `piecesPerCell` each. */
export function bucketPieces(have: Uint8Array, downloading: Uint8Array, pieceCount: number, piecesPerCell: number, cells: number): CellStates {
  const haveOut = new Uint8Array(cells);
  const dlOut = new Uint8Array(cells);
  for (let c = 0; c < cells; c++) {
    const start = c * piecesPerCell;
    const end = Math.min(pieceCount, start + piecesPerCell);
    let got = 0;
    let dl = 0;
    for (let i = start; i < end; i++) {
      got += bit(have, i);
      dl |= bit(downloading, i);
    }
    haveOut[c] = end > start ? Math.round((got * 255) / (end - start)) : 0;
    dlOut[c] = dl;
  }
  return { have: haveOut, downloading: dlOut };
}

/**
 * Availability per column of the strip: the minimum over the pieces the column covers, because the
 * rarest piece is what decides whether the torrent can finish.
 */
export function bucketAvailability(availability: Uint8Array, pieceCount: number, columns: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, columns));
  if (pieceCount <= 0) return out;
  for (let x = 0; x < columns; x++) {
    const start = Math.floor((x * pieceCount) / columns);
    const end = Math.max(start + 1, Math.floor(((x + 1) * pieceCount) / columns));
    let min = 255;
    for (let i = start; i < end && i < pieceCount; i++) min = Math.min(min, availability[i] ?? 0);
    out[x] = min;
  }
  return out;
}

/** Set bits among the first `pieceCount` (the spare bits of the last byte are ignored). */
export function countBits(bits: Uint8Array, pieceCount: number): number {
  let n = 0;
  const whole = pieceCount >> 3;
  for (let i = 0; i < whole; i++) {
    let b = bits[i] ?? 0;
    b = b - ((b >> 1) & 0x55);
    b = (b & 0x33) + ((b >> 2) & 0x33);
    n += (b + (b >> 4)) & 0x0f;
  }
  for (let i = whole * 8; i < pieceCount; i++) n += bit(bits, i);
  return n;
}
