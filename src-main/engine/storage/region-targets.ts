import type { PieceLayout } from './layout';

/**
 * Where a slice of a stream range lives on disk. `at` is the slice's position in the range.
 * - `file`: a wanted file's bytes, in that file;
 * - `pad`: BEP 47 padding, never on disk, zeros;
 * - `skipped`: a skipped file's bytes inside one piece; they go to the parts file (or stay in
 *   the file itself when it was written before it was skipped).
 */
export type RegionTarget =
  | { readonly kind: 'file'; readonly file: number; readonly fileOffset: number; readonly at: number; readonly length: number }
  | { readonly kind: 'pad'; readonly at: number; readonly length: number }
  | {
      readonly kind: 'skipped';
      readonly file: number;
      readonly fileOffset: number;
      readonly piece: number;
      /** First byte of the slice inside its piece. */
      readonly pieceOffset: number;
      readonly at: number;
      readonly length: number;
    };

/**
 * Maps `length` bytes from stream offset `offset` to their targets, in order. Skipped regions are
 * cut at piece boundaries, because the parts file keeps bytes per piece.
 */
export function regionTargets(layout: PieceLayout, isSkipped: (file: number) => boolean, offset: number, length: number): RegionTarget[] {
  const out: RegionTarget[] = [];
  for (const r of layout.regions(offset, length)) {
    const at = r.offset - offset;
    if (r.pad) {
      out.push({ kind: 'pad', at, length: r.length });
    } else if (!isSkipped(r.file)) {
      out.push({ kind: 'file', file: r.file, fileOffset: r.fileOffset, at, length: r.length });
    } else {
      for (let pos = r.offset; pos < r.offset + r.length; ) {
        const piece = Math.floor(pos / layout.pieceLength);
        const take = Math.min(r.offset + r.length, (piece + 1) * layout.pieceLength) - pos;
        out.push({ kind: 'skipped', file: r.file, fileOffset: r.fileOffset + (pos - r.offset), piece, pieceOffset: pos - piece * layout.pieceLength, at: pos - offset, length: take });
        pos += take;
      }
    }
  }
  return out;
}
