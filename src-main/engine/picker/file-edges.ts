import type { TorrentFile } from '../metainfo/metainfo';

/**
 * The first and last piece of every real file (pad files and empty files skipped): fetched first,
 * they let media players read headers and indexes before the rest arrives.
 */
export function fileEdgePieces(files: readonly TorrentFile[], pieceLength: number): number[] {
  const edges = new Set<number>();
  for (const f of files) {
    if (f.pad || f.length === 0) continue;
    edges.add(Math.floor(f.offset / pieceLength));
    edges.add(Math.floor((f.offset + f.length - 1) / pieceLength));
  }
  return [...edges].sort((a, b) => a - b);
}
