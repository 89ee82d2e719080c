import { stat } from 'node:fs/promises';
import type { PieceLayout } from './layout';

/** A file as it was on disk when resume data was taken; null when it was absent (or is a pad file). */
export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * What fast resume needs to trust earlier work without reading it again: the verified pieces
 * (bitfield bytes, wire order) and each file's size and modification time at that moment.
 */
export interface ResumeData {
  readonly have: Uint8Array;
  readonly files: readonly (FileStamp | null)[];
}

/** Size and mtime of each file, in torrent order (null for pad files and missing files). */
export async function stampFiles(layout: PieceLayout, paths: readonly string[]): Promise<(FileStamp | null)[]> {
  return Promise.all(
    paths.map(async (path, file) => {
      if (layout.isPad(file)) return null;
      try {
        const s = await stat(path);
        return { size: s.size, mtimeMs: s.mtimeMs };
      } catch {
        return null;
      }
    }),
  );
}

/**
 * Pieces (1 in the result) that must be hashed again: those touching a file whose size or mtime
 * differs from the saved stamp, since that file changed after the bitfield was saved (written to
 * by a later run, or by someone else). Saved data of the wrong shape distrusts every piece.
 */
export function piecesToRecheck(layout: PieceLayout, saved: ResumeData, now: readonly (FileStamp | null)[]): Uint8Array {
  const mask = new Uint8Array(layout.pieceCount);
  if (saved.files.length !== layout.fileCount || saved.have.length !== Math.ceil(layout.pieceCount / 8)) return mask.fill(1);
  for (let file = 0; file < layout.fileCount; file++) {
    const pieces = layout.piecesOfFile(file);
    if (pieces && !sameStamp(saved.files[file] ?? null, now[file] ?? null)) mask.fill(1, pieces.first, pieces.last + 1);
  }
  return mask;
}

function sameStamp(a: FileStamp | null, b: FileStamp | null): boolean {
  if (a === null || b === null) return a === b;
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}
