import { hashBytes, rootFromPieceLayer } from '../merkle';
import type { SourceFile } from './file-list';
import { hashOnWorkers, type HashOptions } from './hash-workers';
import type { HashWorkerData } from './piece-hash-worker';

/**
 * SHA-1 of every piece of the byte stream the files form, concatenated (BEP 3 `pieces`).
 * One SHA-1 stream is no faster than one core, so pieces are hashed by worker threads (one per
 * core), each reading its own pieces straight from the files; jobs go to whichever is free.
 */
export async function hashPieces(files: readonly SourceFile[], pieceLength: number, options: HashOptions = {}): Promise<Uint8Array> {
  const total = files.reduce((sum, f) => sum + f.length, 0);
  const pieceCount = Math.ceil(total / pieceLength);
  const out = new Uint8Array(pieceCount * 20);
  await hashOnWorkers({ files: files.map((f) => ({ absolute: f.absolute, length: f.length })), pieceLength, layout: 'v1' }, [{ first: 0, count: pieceCount }], total, options, (result) => out.set(result.hashes, 20 * result.first));
  return out;
}

/** What BEP 52 needs of each file: its Merkle root and, when longer than a piece, its piece layer. */
export interface FileTreeHashes {
  /** Undefined for an empty file. */
  readonly piecesRoot: Uint8Array | undefined;
  readonly pieceLayer: Uint8Array | undefined;
}

/**
 * The hashes of a v2 torrent (or, with `hybrid`, of both halves of a hybrid) in one read of the
 * data: each file's tree from SHA-256 leaves of its 16 KiB blocks, and for a hybrid the SHA-1 of
 * each piece of the v1 stream, where `padded` puts zeros after each file up to a piece boundary
 * (a multi-file hybrid's pad files). Workers fold each piece's leaves into its node, so only
 * 32 bytes per piece come back.
 */
export async function hashFileTrees(
  files: readonly SourceFile[],
  pieceLength: number,
  hybrid: boolean,
  padded: boolean,
  options: HashOptions = {},
): Promise<{ files: FileTreeHashes[]; pieces: Uint8Array }> {
  const firstPiece: number[] = [];
  let pieceCount = 0;
  const workerFiles: HashWorkerData['files'][number][] = [];
  for (const f of files) {
    firstPiece.push(pieceCount);
    pieceCount += Math.ceil(f.length / pieceLength);
    workerFiles.push({ absolute: f.absolute, length: f.length });
    const gap = (pieceLength - (f.length % pieceLength)) % pieceLength;
    if (hybrid && padded && gap > 0) workerFiles.push({ absolute: '.pad', length: gap, pad: true });
  }
  const roots: (Uint8Array | undefined)[] = files.map(() => undefined);
  const layers = files.map((f) => (f.length > pieceLength ? new Uint8Array(hashBytes * Math.ceil(f.length / pieceLength)) : undefined));
  const pieces = new Uint8Array(hybrid ? 20 * pieceCount : 0);
  const total = files.reduce((sum, f) => sum + f.length, 0);
  const data: HashWorkerData = { files: workerFiles, pieceLength, layout: hybrid ? 'hybrid' : 'v2' };
  await hashOnWorkers(data, [{ first: 0, count: pieceCount }], total, options, (result) => {
    if (hybrid) pieces.set(result.hashes, 20 * result.first);
    let index = 0;
    for (let i = 0; i < result.nodes.length / hashBytes; i++) {
      const piece = result.first + i;
      while (index + 1 < files.length && firstPiece[index + 1]! <= piece) index++;
      const node = result.nodes.slice(hashBytes * i, hashBytes * (i + 1));
      const layer = layers[index];
      if (layer) layer.set(node, hashBytes * (piece - firstPiece[index]!));
      else roots[index] = node;
    }
  });
  return {
    pieces,
    files: files.map((_, i) => {
      const layer = layers[i];
      return { piecesRoot: layer ? rootFromPieceLayer(layer, pieceLength) : roots[i], pieceLayer: layer };
    }),
  };
}
