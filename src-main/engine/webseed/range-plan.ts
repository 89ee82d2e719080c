import type { TorrentFile } from '../metainfo/metainfo';
import type { BlockRequest } from '../picker/piece-geometry';

/** A stretch of one file to fetch; a pad file's stretch is zeros and never fetched. */
export interface FileSpan {
  readonly file: number;
  /** First byte within the file. */
  readonly offset: number;
  readonly length: number;
  readonly pad: boolean;
}

/** Contiguous blocks of the torrent's byte stream, fetched as one run: one ranged request per file it touches. */
export interface Run {
  /** Offset in the torrent's byte stream. */
  readonly start: number;
  readonly length: number;
  /** In byte order. */
  readonly blocks: readonly BlockRequest[];
  readonly spans: readonly FileSpan[];
}

/**
 * Groups picked blocks into runs of adjacent bytes (a whole piece, or several in a row) and maps
 * each run onto the files it crosses, so a piece spanning files becomes several ranged requests.
 */
export function planRuns(blocks: readonly BlockRequest[], pieceLength: number, files: readonly TorrentFile[]): Run[] {
  const sorted = [...blocks].sort((a, b) => a.index * pieceLength + a.begin - (b.index * pieceLength + b.begin));
  const runs: Run[] = [];
  let current: BlockRequest[] = [];
  let start = 0;
  let end = 0;
  const close = (): void => {
    if (current.length > 0) runs.push({ start, length: end - start, blocks: current, spans: fileSpans(start, end - start, files) });
  };
  for (const block of sorted) {
    const at = block.index * pieceLength + block.begin;
    if (current.length === 0 || at !== end) {
      close();
      current = [];
      start = at;
    }
    current.push(block);
    end = at + block.length;
  }
  close();
  return runs;
}

/** The files (and stretches of them) that `length` bytes from torrent offset `start` lie in. */
export function fileSpans(start: number, length: number, files: readonly TorrentFile[]): FileSpan[] {
  const spans: FileSpan[] = [];
  const end = start + length;
  // Files are in offset order: the first one ending after `start` is where the run begins.
  let lo = 0;
  let hi = files.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const f = files[mid]!;
    if (f.offset + f.length <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < files.length; i++) {
    const f = files[i]!;
    if (f.offset >= end) break;
    const from = Math.max(start, f.offset);
    const to = Math.min(end, f.offset + f.length);
    if (to > from) spans.push({ file: i, offset: from - f.offset, length: to - from, pad: f.pad });
  }
  const covered = spans.reduce((n, s) => n + s.length, 0);
  if (covered !== length) throw new RangeError(`bytes ${start}-${end - 1} lie outside the torrent's files`);
  return spans;
}
