/** Paints the pieces grid and the availability strip straight into ImageData: no per-piece draw calls. */
import type { PiecesInfo } from '../../api/contract';
import { bucketAvailability, bucketPieces, layoutPieces, type PiecesLayout } from './pieces-layout';

export interface PieceColors {
  have: number[];
  missing: number[];
  downloading: number[];
  background: number[];
  rare: number[];
}

/** Parses the "#rrggbb" values our stylesheet uses for piece colours. */
export function parseHex(value: string, fallback: number[]): number[] {
  const m = /^#([0-9a-f]{6})$/i.exec(value.trim());
  if (!m) return fallback;
  const n = Number.parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function readColors(el: Element): PieceColors {
  const css = getComputedStyle(el);
  const get = (name: string, fallback: number[]) => parseHex(css.getPropertyValue(name), fallback);
  return {
    have: get('--piece-have', [37, 99, 235]),
    missing: get('--piece-missing', [226, 232, 240]),
    downloading: get('--piece-downloading', [34, 197, 94]),
    background: get('--panel', [255, 255, 255]),
    rare: get('--piece-rare', [239, 68, 68]),
  };
}

function pack(c: number[], alpha = 255): number {
  // ImageData is RGBA in memory; on little-endian machines that is ABGR as a Uint32.
  return ((alpha << 24) | ((c[2] ?? 0) << 16) | ((c[1] ?? 0) << 8) | (c[0] ?? 0)) >>> 0;
}

function mix(a: number[], b: number[], t: number): number[] {
  return [0, 1, 2].map((i) => Math.round((a[i] ?? 0) + ((b[i] ?? 0) - (a[i] ?? 0)) * t));
}

export function drawGrid(ctx: CanvasRenderingContext2D, pieces: PiecesInfo, widthPx: number, heightPx: number, maxCellPx: number, colors: PieceColors): PiecesLayout {
  const layout = layoutPieces(pieces.pieceCount, widthPx, heightPx, maxCellPx);
  const image = ctx.createImageData(Math.max(1, widthPx), Math.max(1, heightPx));
  const px = new Uint32Array(image.data.buffer);
  px.fill(pack(colors.background));
  const { have, downloading } = bucketPieces(pieces.have, pieces.downloading, pieces.pieceCount, layout.piecesPerCell, layout.cells);
  // 256 precomputed shades so partly-had cells (downsampled) cost one lookup.
  const shades = new Uint32Array(256);
  for (let i = 0; i < 256; i++) shades[i] = pack(mix(colors.missing, colors.have, i / 255));
  const dlColor = pack(colors.downloading);
  const gap = layout.cellPx >= 5 ? 1 : 0;
  const size = layout.cellPx - gap;
  for (let c = 0; c < layout.cells; c++) {
    const color = downloading[c] ? dlColor : shades[have[c]!]!;
    const x0 = (c % layout.cols) * layout.cellPx;
    const y0 = Math.floor(c / layout.cols) * layout.cellPx;
    for (let y = 0; y < size; y++) {
      const row = (y0 + y) * widthPx + x0;
      px.fill(color, row, row + size);
    }
  }
  ctx.putImageData(image, 0, 0);
  return layout;
}

/** One column per device pixel; rare pieces (0–1 peers) in the warning colour, the rest by depth. */
export function drawAvailability(ctx: CanvasRenderingContext2D, pieces: PiecesInfo, widthPx: number, heightPx: number, colors: PieceColors): void {
  const columns = bucketAvailability(pieces.availability, pieces.pieceCount, widthPx);
  let max = 1;
  for (const v of columns) max = Math.max(max, v);
  const image = ctx.createImageData(Math.max(1, widthPx), Math.max(1, heightPx));
  const px = new Uint32Array(image.data.buffer);
  const bg = pack(colors.background);
  px.fill(bg);
  for (let x = 0; x < widthPx; x++) {
    const v = columns[x] ?? 0;
    const color = v <= 1 ? pack(colors.rare) : pack(mix(colors.missing, colors.have, 0.35 + (0.65 * v) / max));
    // Bar height grows with availability; rare pieces get a full-height warning instead.
    const barH = v <= 1 ? heightPx : Math.max(2, Math.round((heightPx * v) / max));
    for (let y = heightPx - barH; y < heightPx; y++) px[y * widthPx + x] = color;
  }
  ctx.putImageData(image, 0, 0);
}
