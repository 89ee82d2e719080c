import { binaryKey, type BDict } from '../bencode';
import { hashBytes, rootFromPieceLayer } from '../merkle';
import { invalid, shown, type TreeFile } from './file-tree';
import type { TorrentFile } from './metainfo';

/** A file before sanitizing: its path as the torrent spells it. */
export interface RawFile {
  readonly parts: readonly string[];
  readonly length: number;
  readonly pad: boolean;
  readonly piecesRoot?: Uint8Array;
}

/**
 * The piece space of a v2-only torrent: each non-empty file starts a piece, so a file whose end
 * is not on a piece boundary is followed by a BEP 47 pad file, except the last, as libtorrent
 * lays out both v2 and hybrid torrents; storage then handles v2 as it handles hybrids.
 */
export function v2RawFiles(tree: readonly TreeFile[], pieceLength: number): RawFile[] {
  const out: RawFile[] = [];
  let total = 0;
  tree.forEach((file, i) => {
    total += file.length + pieceLength;
    if (!Number.isSafeInteger(total)) invalid('its total length is too large');
    out.push({ parts: file.parts, length: file.length, pad: false, ...(file.piecesRoot && { piecesRoot: file.piecesRoot }) });
    const gap = (pieceLength - (file.length % pieceLength)) % pieceLength;
    if (gap > 0 && i < tree.length - 1) out.push({ parts: ['.pad', String(gap)], length: gap, pad: true });
  });
  return out;
}

/** The number of pieces a v2 torrent has: each file's own, as files never share a piece. */
export function v2PieceCount(tree: readonly TreeFile[], pieceLength: number): number {
  return tree.reduce((sum, f) => sum + Math.ceil(f.length / pieceLength), 0);
}

const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((part, i) => part === b[i]);

/**
 * A hybrid's two halves must describe the same files in the same order with the same lengths,
 * each non-empty file starting a piece in the v1 half (its pad files make that so), and the same
 * pieces; otherwise a v1 peer and a v2 peer would be trading different data. Returns the v1
 * files' pieces roots (undefined for pad and empty files), by v1 index.
 */
export function agreeHybrid(v1: readonly RawFile[], tree: readonly TreeFile[], pieceLength: number, v1PieceCount: number): (Uint8Array | undefined)[] {
  const disagree = (why: string): never => invalid(`its v1 and v2 parts disagree: ${why}`);
  const real = v1.filter((f) => !f.pad);
  if (real.length !== tree.length) disagree(`the v1 part lists ${real.length} files and the v2 file tree ${tree.length}`);
  const roots: (Uint8Array | undefined)[] = [];
  let offset = 0;
  let n = 0;
  for (const file of v1) {
    if (file.pad) {
      roots.push(undefined);
      offset += file.length;
      continue;
    }
    const twin = tree[n++]!;
    const label = `file ${n} is '${shown(file.parts)}'`;
    if (!same(file.parts, twin.parts)) disagree(`${label} in the v1 part and '${shown(twin.parts)}' in the file tree`);
    if (file.length !== twin.length) disagree(`${label}, ${file.length} bytes in the v1 part and ${twin.length} in the file tree`);
    if (file.length > 0 && offset % pieceLength !== 0) disagree(`${label} and does not start at a piece boundary in the v1 part`);
    roots.push(twin.piecesRoot);
    offset += file.length;
  }
  const v2Pieces = v2PieceCount(tree, pieceLength);
  if (v2Pieces !== v1PieceCount) disagree(`the v1 part has ${v1PieceCount} pieces and the v2 part ${v2Pieces}`);
  return roots;
}

/**
 * Checks and attaches each file's piece layer (BEP 52 `piece layers`, keyed by pieces root): one
 * hash per piece for every file longer than a piece, hashing up to the file's root. A torrent
 * from a magnet has none until peers send them, hence `required`.
 */
export function withPieceLayers(files: TorrentFile[], layers: BDict | undefined, pieceLength: number, required: boolean): TorrentFile[] {
  return files.map((file, i) => {
    if (file.piecesRoot === undefined || file.length <= pieceLength) return file;
    const label = `file ${i + 1} ('${file.path.join('/')}')`;
    const layer = layers?.get(binaryKey(file.piecesRoot));
    if (layer === undefined) {
      if (required) invalid(`${label} has no entry in its 'piece layers'`);
      return file;
    }
    const want = Math.ceil(file.length / pieceLength) * hashBytes;
    if (!(layer instanceof Uint8Array) || layer.length !== want) {
      invalid(`the piece layer of ${label} is not ${want} bytes of hashes`);
    }
    if (Buffer.compare(rootFromPieceLayer(layer, pieceLength), file.piecesRoot) !== 0) {
      invalid(`the piece layer of ${label} does not hash to its pieces root`);
    }
    return { ...file, pieceLayer: layer.slice() };
  });
}
