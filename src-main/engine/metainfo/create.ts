import { ShoalError } from '../../../src-shared/errors';
import { bencode, binaryKey, type BEncodable } from '../bencode';
import { listSourceFiles, type SourceFile, type SourceList } from './file-list';
import type { MetaVersion } from './metainfo';
import { maxPieceLength } from './parse-torrent';
import type { HashOptions } from './hash-workers';
import { hashFileTrees, hashPieces } from './piece-hasher';

export interface CreateTorrentOptions {
  /** v1 (BEP 3, the default), v2-only or hybrid (BEP 52). */
  readonly version?: MetaVersion;
  /** Bytes per piece; chosen from the total size when absent (see `autoPieceLength`). */
  readonly pieceLength?: number;
  /** Announce tiers (BEP 12): tier order is preference order, URLs in a tier are equals. */
  readonly trackers?: readonly (readonly string[])[];
  /** Web seeds (BEP 19 `url-list`). */
  readonly webSeeds?: readonly string[];
  readonly private?: boolean;
  readonly comment?: string;
  /** Stored in the info dictionary, so it changes the info-hash (used to tell sites apart). */
  readonly source?: string;
  readonly createdBy?: string;
  /** Defaults to now; `null` leaves the date out (reproducible output). */
  readonly creationDate?: Date | null;
  readonly onProgress?: (hashed: number, total: number) => void;
  readonly signal?: AbortSignal;
}

export const minPieceLength = 16 * 1024;
const autoMax = 16 * 1024 * 1024;
const targetPieces = 2000;

/** The smallest power of two from 16 KiB to 16 MiB that keeps the piece count at or below 2,000. */
export function autoPieceLength(totalLength: number): number {
  let length = minPieceLength;
  while (length < autoMax && totalLength / length > targetPieces) length *= 2;
  return length;
}

/**
 * Makes a .torrent (canonical bencode) of the file or folder at `path`. A v1 info dictionary
 * holds only BEP 3 keys plus `private` and `source` when set, so creating the same content with
 * the same piece length gives the same info-hash as mktorrent; v2 and hybrid ones are laid out
 * as libtorrent lays them out (files in file-tree order, a pad file after each unaligned file),
 * so libtorrent computes the same info-hashes.
 */
export async function createTorrent(path: string, options: CreateTorrentOptions = {}): Promise<Uint8Array> {
  const trackers = (options.trackers ?? []).map((tier) => tier.map((u) => checkUrl(u, 'tracker'))).filter((tier) => tier.length > 0);
  const webSeeds = (options.webSeeds ?? []).map((u) => checkUrl(u, 'web seed'));
  if (options.pieceLength !== undefined) checkPieceLength(options.pieceLength);

  const source = await listSourceFiles(path);
  const total = source.files.reduce((sum, f) => sum + f.length, 0);
  if (total === 0) throw new ShoalError('invalid-input', `'${path}' holds no data to share.`);
  const pieceLength = options.pieceLength ?? autoPieceLength(total);
  const hashOptions: HashOptions = {
    ...(options.onProgress && { onProgress: options.onProgress }),
    ...(options.signal && { signal: options.signal }),
  };
  const version = options.version ?? 'v1';
  const root: Record<string, BEncodable> = {};
  let info: Record<string, BEncodable>;
  if (version === 'v1') {
    info = { name: source.name, 'piece length': pieceLength, pieces: await hashPieces(source.files, pieceLength, hashOptions) };
    if (source.multiFile) info['files'] = source.files.map((f) => ({ length: f.length, path: f.path }));
    else info['length'] = total;
  } else {
    const v2 = await v2Info(source, pieceLength, version === 'hybrid', hashOptions);
    info = v2.info;
    if (v2.pieceLayers.size > 0) root['piece layers'] = v2.pieceLayers;
  }
  if (options.private) info['private'] = 1;
  if (options.source) info['source'] = options.source;
  root['info'] = info;

  // Old clients read only `announce`; BEP 12 clients read the tiers.
  if (trackers[0]?.[0] !== undefined) root['announce'] = trackers[0][0];
  if (trackers.flat().length > 1) root['announce-list'] = trackers;
  if (webSeeds.length > 0) root['url-list'] = webSeeds;
  if (options.comment) root['comment'] = options.comment;
  root['created by'] = options.createdBy ?? 'Shoal';
  const date = options.creationDate === undefined ? new Date() : options.creationDate;
  if (date) root['creation date'] = Math.floor(date.getTime() / 1000);
  return bencode(root);
}

// Dictionary keys are binary strings; a file tree's are UTF-8 names.
const binaryName = (name: string): string => Buffer.from(name, 'utf8').toString('latin1');

/** The order of a file tree: its dictionaries sorted by raw bytes, folder by folder. */
function treeOrder(a: SourceFile, b: SourceFile): number {
  for (let i = 0; i < Math.min(a.path.length, b.path.length); i++) {
    const order = Buffer.compare(Buffer.from(a.path[i]!), Buffer.from(b.path[i]!));
    if (order !== 0) return order;
  }
  return a.path.length - b.path.length;
}

/**
 * A v2 info dictionary (BEP 52) and its piece layers, plus for a hybrid the v1 keys describing the
 * same pieces: `files` with a pad file after each file whose end is off a piece boundary (the
 * last too, as libtorrent 2.0 does), and the SHA-1 of each padded piece, all from one read.
 */
async function v2Info(
  source: SourceList,
  pieceLength: number,
  hybrid: boolean,
  options: HashOptions,
): Promise<{ info: Record<string, BEncodable>; pieceLayers: Map<string, Uint8Array> }> {
  const files = [...source.files].sort(treeOrder);
  const hashed = await hashFileTrees(files, pieceLength, hybrid, source.multiFile, options);
  const tree = new Map<string, BEncodable>();
  const pieceLayers = new Map<string, Uint8Array>();
  const v1Files: BEncodable[] = [];
  files.forEach((file, i) => {
    const { piecesRoot, pieceLayer } = hashed.files[i]!;
    const entry = new Map<string, BEncodable>([['length', file.length]]);
    if (piecesRoot) entry.set('pieces root', piecesRoot);
    if (piecesRoot && pieceLayer) pieceLayers.set(binaryKey(piecesRoot), pieceLayer);
    let folder = tree;
    file.path.forEach((part, depth) => {
      const key = binaryName(part);
      if (depth === file.path.length - 1) {
        folder.set(key, new Map([['', entry]]));
        return;
      }
      if (!folder.has(key)) folder.set(key, new Map<string, BEncodable>());
      folder = folder.get(key) as Map<string, BEncodable>;
    });
    v1Files.push({ length: file.length, path: file.path });
    const gap = (pieceLength - (file.length % pieceLength)) % pieceLength;
    if (gap > 0) v1Files.push({ attr: 'p', length: gap, path: ['.pad', String(gap)] });
  });
  const info: Record<string, BEncodable> = { 'file tree': tree, 'meta version': 2, name: source.name, 'piece length': pieceLength };
  if (hybrid) {
    info['pieces'] = hashed.pieces;
    if (source.multiFile) info['files'] = v1Files;
    else info['length'] = files[0]!.length;
  }
  return { info, pieceLayers };
}

function checkUrl(url: string, what: string): string {
  const trimmed = url.trim();
  if (!URL.canParse(trimmed)) throw new ShoalError('invalid-input', `The ${what} '${url}' is not a URL.`);
  return trimmed;
}

function checkPieceLength(length: number): void {
  if (!Number.isInteger(length) || length < minPieceLength || length > maxPieceLength || (length & (length - 1)) !== 0) {
    throw new ShoalError(
      'invalid-input',
      `The piece length must be a power of two from ${minPieceLength} to ${maxPieceLength} bytes, not ${length}.`,
    );
  }
}
