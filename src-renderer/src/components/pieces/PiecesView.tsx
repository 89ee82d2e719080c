import { useEffect, useMemo, useRef, useState } from 'react';
import type { PiecesInfo } from '../../api/contract';
import { drawAvailability, drawGrid, readColors } from './draw-pieces';
import { countBits, layoutPieces } from './pieces-layout';

const gridCssHeight = 168;
const stripCssHeight = 20;
const maxCellCssPx = 12;

/** Tracks an element's CSS width; sizes canvases to their box without layout thrash. */
function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

export function PiecesView({ pieces }: { pieces: PiecesInfo }) {
  const [boxRef, cssWidth] = useWidth();
  const gridRef = useRef<HTMLCanvasElement>(null);
  const stripRef = useRef<HTMLCanvasElement>(null);
  const [piecesPerCell, setPiecesPerCell] = useState(1);
  const have = useMemo(() => countBits(pieces.have, pieces.pieceCount), [pieces]);
  const downloading = useMemo(() => countBits(pieces.downloading, pieces.pieceCount), [pieces]);

  useEffect(() => {
    const grid = gridRef.current;
    const strip = stripRef.current;
    if (!grid || !strip || cssWidth <= 0) return;
    // Device pixels, so the bitmap stays sharp on HiDPI screens.
    const dpr = window.devicePixelRatio || 1;
    const w = Math.floor(cssWidth * dpr);
    const gridH = Math.floor(gridCssHeight * dpr);
    const stripH = Math.floor(stripCssHeight * dpr);
    const layout = layoutPieces(pieces.pieceCount, w, gridH, Math.floor(maxCellCssPx * dpr));
    const gridHeight = Math.max(1, Math.min(gridH, layout.rows * layout.cellPx));
    // Assigning a canvas size reallocates its backing store even when unchanged: only on resize.
    if (grid.width !== w) grid.width = w;
    if (grid.height !== gridHeight) grid.height = gridHeight;
    if (strip.width !== w) strip.width = w;
    if (strip.height !== stripH) strip.height = stripH;
    setPiecesPerCell(layout.piecesPerCell);
    const colors = readColors(grid);
    const gctx = grid.getContext('2d');
    const sctx = strip.getContext('2d');
    // No 2D context (jsdom, or a GPU-less fallback failure): the text summary still tells the story.
    if (gctx) drawGrid(gctx, pieces, w, grid.height, Math.floor(maxCellCssPx * dpr), colors);
    if (sctx) drawAvailability(sctx, pieces, w, stripH, colors);
  }, [pieces, cssWidth]);

  return (
    <div className="pieces">
      <div className="pieces-box" ref={boxRef}>
      <canvas
        ref={gridRef}
        className="pieces-grid"
        role="img"
        aria-label={`Pieces: ${have} of ${pieces.pieceCount}`}
        data-piece-count={pieces.pieceCount}
        data-have-count={have}
        data-pieces-per-cell={piecesPerCell}
        style={{ width: cssWidth > 0 ? cssWidth : '100%', height: 'auto', maxHeight: gridCssHeight }}
      />
      <canvas
        ref={stripRef}
        className="pieces-strip"
        role="img"
        aria-label="Availability in the swarm"
        style={{ width: cssWidth > 0 ? cssWidth : '100%', height: stripCssHeight }}
      />
      </div>
      <div className="pieces-legend">
        <span><i className="swatch have" /> Have {have.toLocaleString()}</span>
        <span><i className="swatch downloading" /> Downloading {downloading.toLocaleString()}</span>
        <span><i className="swatch missing" /> Missing {(pieces.pieceCount - have).toLocaleString()}</span>
        <span><i className="swatch rare" /> Rare (≤ 1 peer)</span>
        <span className="muted">
          {pieces.pieceCount.toLocaleString()} pieces{piecesPerCell > 1 ? ` · ${piecesPerCell} per pixel` : ''}
        </span>
      </div>
    </div>
  );
}
