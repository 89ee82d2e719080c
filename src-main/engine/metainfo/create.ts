import { ShoalError } from '../../../src-shared/errors';
import { bencode, type BEncodable } from '../bencode';
import { listSourceFiles } from './file-list';
import { maxPieceLength } from './parse-torrent';
import { hashPieces } from './piece-hasher';

export interface CreateTorrentOptions {
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
 * Makes a .torrent (BEP 3, canonical bencode) of the file or folder at `path`. The info
 * dictionary holds only BEP 3 keys plus `private` and `source` when set, so creating the same
 * content with the same piece length gives the same info-hash as mktorrent.
 */
export async function createTorrent(path: string, options: CreateTorrentOptions = {}): Promise<Uint8Array> {
  const trackers = (options.trackers ?? []).map((tier) => tier.map((u) => checkUrl(u, 'tracker'))).filter((tier) => tier.length > 0);
  const webSeeds = (options.webSeeds ?? []).map((u) => checkUrl(u, 'web seed'));
  if (options.pieceLength !== undefined) checkPieceLength(options.pieceLength);

  const source = await listSourceFiles(path);
  const total = source.files.reduce((sum, f) => sum + f.length, 0);
  if (total === 0) throw new ShoalError('invalid-input', `'${path}' holds no data to share.`);
  const pieceLength = options.pieceLength ?? autoPieceLength(total);
  const pieces = await hashPieces(source.files, pieceLength, {
    ...(options.onProgress && { onProgress: options.onProgress }),
    ...(options.signal && { signal: options.signal }),
  });

  const info: Record<string, BEncodable> = { name: source.name, 'piece length': pieceLength, pieces };
  if (source.multiFile) info['files'] = source.files.map((f) => ({ length: f.length, path: f.path }));
  else info['length'] = total;
  if (options.private) info['private'] = 1;
  if (options.source) info['source'] = options.source;

  const root: Record<string, BEncodable> = { info };
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
