import { createHash } from 'node:crypto';
import { ShoalError } from '../../../src-shared/errors';
import { asText, bdecodeDetailed, BencodeError, isDict, type BDict, type BencodeLimits, type BValue, type Decoded } from '../bencode';
import { checkV2PieceLength, invalid, pieceLayersOf, readFileTree } from './file-tree';
import type { Metainfo, MetaVersion, TorrentFile } from './metainfo';
import { makePathsUnique, sanitizeComponent, sanitizePath } from './sanitize-path';
import { agreeHybrid, v2PieceCount, v2RawFiles, withPieceLayers, type RawFile } from './v2-layout';

export interface ParseTorrentOptions {
  /**
   * Name to use when the info dictionary has no usable `name` (some real torrents lack one).
   * Callers that loaded a file pass its base name without `.torrent`, as Transmission does; without
   * it the name is the info-hash in hex. Either way the info-hash stays that of the original bytes.
   */
  readonly fallbackName?: string;
  /**
   * A v2 torrent must carry the piece layers of its files longer than a piece (BEP 52), except
   * when its info dictionary came from peers (BEP 9): then they come later, from peers too.
   */
  readonly pieceLayersLater?: boolean;
}

/** Bounds that keep a hostile file from hanging the decoder or exhausting memory. */
export const torrentLimits: BencodeLimits = {
  // The largest real torrents (millions of pieces) stay well below this.
  maxBytes: 32 * 1024 * 1024,
  // A torrent nests five deep; extensions add a few more.
  maxDepth: 64,
  // About 110 bytes each once decoded: this caps decoding near 150 MB even for a hostile file; the
  // whole parse, tree and Metainfo together, stays within 256 MiB (parse-torrent.limits.test.ts).
  maxValues: 1_000_000,
  // `pieces` is the one large string; the whole-file bound covers it.
  maxStringBytes: 32 * 1024 * 1024,
  maxIntegerDigits: 16,
};

/**
 * Linux allows 4,096 bytes for a whole path; this leaves 256 of them for the save folder. A longer
 * path would fail with ENAMETOOLONG in the middle of the download, so it is refused up front.
 */
export const maxPathBytes = 3840;

/** Larger pieces exist nowhere in practice and would make every piece buffer huge. */
export const maxPieceLength = 256 * 1024 * 1024;
// A 1 ms timestamp is ~1e12 while seconds stay below 1e11 until the year 5138.
const millisecondsThreshold = 1e11;

/**
 * Unsorted keys are accepted because real torrents have them; the info-hash is taken from the
 * original bytes of `info` anyway.
 */
function decodeTorrent(bytes: Uint8Array): Decoded {
  try {
    // Bytes after the top-level dictionary (a newline, padding) are ignored, as libtorrent does.
    return bdecodeDetailed(bytes, { limits: torrentLimits, unsortedKeys: true, allowTrailing: true, spans: [['info']] });
  } catch (err) {
    if (err instanceof BencodeError) throw new ShoalError('invalid-torrent', `The torrent file is damaged: ${err.message}.`);
    throw err;
  }
}

/** Decodes and validates a .torrent file (BEP 3, 12, 19, 27, 47, 52: v1, v2 and hybrid). */
export function parseTorrent(input: Uint8Array, options: ParseTorrentOptions = {}): Metainfo {
  // A plain view, so a Metainfo holds the same kind of bytes whether a Buffer or not was given.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const { value: root, spans } = decodeTorrent(bytes);
  const span = spans[0];
  if (!isDict(root)) invalid('it is not a bencoded dictionary');
  const info = root.get('info');
  if (info === undefined || !span) invalid('it has no info dictionary');
  if (!isDict(info)) invalid('its info is not a dictionary');

  const version = checkVersion(info);
  const infoBytes = bytes.slice(span.start, span.end);
  const infoHashV2 = version === 'v1' ? undefined : new Uint8Array(createHash('sha256').update(infoBytes).digest());
  // A v2-only torrent goes by its SHA-256 cut to 20 bytes wherever 20 bytes are expected (BEP 52).
  const infoHash = infoHashV2 && version === 'v2' ? infoHashV2.slice(0, 20) : new Uint8Array(createHash('sha1').update(infoBytes).digest());
  const infoHashHex = Buffer.from(infoHash).toString('hex');

  const pieceLength = info.get('piece length');
  if (typeof pieceLength !== 'number') invalid("its info has no 'piece length' integer");
  if (pieceLength <= 0) invalid(`its piece length ${pieceLength} is not positive`);
  if (pieceLength > maxPieceLength) invalid(`its piece length ${pieceLength} is larger than 256 MiB`);
  const tree = version === 'v1' ? undefined : readFileTree(info.get('file tree'));
  if (tree) checkV2PieceLength(pieceLength);

  const rawName = asText(info.get('name')) ?? '';
  // A v2-only torrent of one file is named by that file (BEP 52); a name that differs makes a folder.
  const single = tree && version === 'v2' && tree.length === 1 && tree[0]!.parts.length === 1 && (rawName === '' || rawName === tree[0]!.parts[0]);
  const name =
    sanitizeComponent(single ? tree[0]!.parts[0]! : rawName) ??
    sanitizeComponent(options.fallbackName ?? '') ??
    infoHashHex;
  // Only a hybrid needs its v1 paths as spelled, to compare with its file tree; a v1 torrent's
  // are sanitized as they are read (keeping a million raw parts alive costs time in the GC).
  const known = new Map<string, string | undefined>();
  const { raw, multiFile } = version === 'v2' ? { raw: v2RawFiles(tree!, pieceLength), multiFile: !single } : readFiles(info, rawName, version === 'v1' ? known : undefined);
  let files = layOut(raw, name, multiFile, version === 'v1' ? undefined : known);
  const last = files[files.length - 1]!;
  const length = last.offset + last.length;
  if (length === 0) invalid('its total length is 0');
  const pieceCount = Math.ceil(length / pieceLength);

  const pieceHashes = version === 'v2' ? new Uint8Array(0) : readPieceHashes(info, pieceCount);
  if (tree) {
    if (version === 'hybrid') {
      const roots = agreeHybrid(raw, tree, pieceLength, pieceCount);
      files = files.map((f, i) => (roots[i] ? { ...f, piecesRoot: roots[i] } : f));
    } else if (v2PieceCount(tree, pieceLength) !== pieceCount) {
      // Only trailing empty files could make these differ, and they add no piece.
      invalid('its file tree and its piece layout disagree');
    }
    files = withPieceLayers(files, pieceLayersOf(root), pieceLength, !options.pieceLayersLater);
  }

  const privateFlag = info.get('private');
  const comment = asText(root.get('comment'));
  const createdBy = asText(root.get('created by'));
  const creationDate = readDate(root.get('creation date'));
  const source = asText(info.get('source'));
  return {
    version,
    infoHash,
    infoHashHex,
    ...(infoHashV2 && { infoHashV2 }),
    infoBytes,
    name,
    pieceLength,
    pieceCount,
    lastPieceLength: length - (pieceCount - 1) * pieceLength,
    length,
    pieceHashes,
    files,
    multiFile,
    trackers: readTrackers(root),
    urlList: readUrlList(root.get('url-list')),
    // BEP 27 says 1; any other non-zero value is read as private too, to err on the side of privacy.
    private: typeof privateFlag === 'number' && privateFlag !== 0,
    ...(comment !== undefined && { comment }),
    ...(createdBy !== undefined && { createdBy }),
    ...(creationDate !== undefined && { creationDate }),
    ...(source !== undefined && { source }),
  };
}

/**
 * BEP 52 says to check `meta version` before anything else. A hybrid carries a complete v1
 * description beside the v2 one (any v1 key makes it one, and then the v1 part must be whole).
 */
function checkVersion(info: BDict): MetaVersion {
  const version = info.get('meta version');
  if (version === undefined || version === 1) {
    // Without `meta version` 2 a `file tree` is not BEP 52's: ignored, as libtorrent does.
    if (info.get('pieces') === undefined && info.get('file tree') !== undefined) invalid("its 'file tree' comes without 'meta version' 2");
    return 'v1';
  }
  if (version === 2) return ['pieces', 'length', 'files'].some((key) => info.has(key)) ? 'hybrid' : 'v2';
  if (typeof version !== 'number') invalid("its 'meta version' is not an integer");
  throw new ShoalError('unsupported-torrent', `This torrent uses BitTorrent meta version ${version}, which is not supported.`);
}

function readPieceHashes(info: BDict, pieceCount: number): Uint8Array {
  const pieceHashes = info.get('pieces');
  if (!(pieceHashes instanceof Uint8Array)) invalid("its info has no 'pieces' byte string");
  if (pieceHashes.length % 20 !== 0) {
    invalid(`its piece hashes are ${pieceHashes.length} bytes long, not a multiple of 20`);
  }
  if (pieceHashes.length / 20 !== pieceCount) {
    invalid(`it has ${pieceHashes.length / 20} piece hashes but its length needs ${pieceCount}`);
  }
  return pieceHashes;
}

/** The v1 file list as the torrent spells it: one file named `name`, or the `files` list. */
function readFiles(info: BDict, name: string, sanitizeWith: Map<string, string | undefined> | undefined): { raw: RawFile[]; multiFile: boolean } {
  const single = info.get('length');
  const list = info.get('files');
  if (single !== undefined && list !== undefined) invalid("its info has both 'length' and 'files'");
  if (list === undefined) {
    if (typeof single !== 'number') invalid("its info has neither a 'length' integer nor a 'files' list");
    if (single < 0) invalid('its length is negative');
    return { raw: [{ parts: [name], length: single, pad: false }], multiFile: false };
  }
  if (!Array.isArray(list)) invalid("its 'files' is not a list");
  if (list.length === 0) invalid('its file list is empty');

  const nameBytes = Buffer.byteLength(name);
  const raw: RawFile[] = [];
  let total = 0;
  list.forEach((entry, i) => {
    const label = `file ${i + 1}`;
    if (!isDict(entry)) invalid(`${label} is not a dictionary`);
    const attr = asText(entry.get('attr')) ?? '';
    // BEP 47 as libtorrent reads it: a link needs no length (it holds no data) and a pad file no
    // path (it is never written); both are left out of what is written to disk.
    const symlink = attr.includes('l') && entry.get('length') === undefined;
    const length = symlink ? 0 : entry.get('length');
    if (typeof length !== 'number') invalid(`${label} has no length`);
    if (length < 0) invalid(`${label} has a negative length`);
    total += length;
    if (!Number.isSafeInteger(total)) invalid('its total length is too large');
    const pad = attr.includes('p') || symlink;
    const path = entry.get('path') ?? (attr.includes('p') ? [new TextEncoder().encode('.pad'), new TextEncoder().encode(String(length))] : undefined);
    if (!Array.isArray(path) || path.length === 0) invalid(`${label} has no path`);
    // Measured before any work on the parts, so a million-part path is refused at once.
    let pathBytes = nameBytes;
    for (const part of path) pathBytes += 1 + (part instanceof Uint8Array ? part.length : 0);
    if (pathBytes > maxPathBytes) tooLong(label, pathBytes);
    const parts = path.map((part) => {
      const s = asText(part);
      if (s === undefined) invalid(`${label} has a path component that is not a string`);
      return s;
    });
    raw.push({ parts: sanitizeWith ? sanitizePath(parts, sanitizeWith) : parts, length, pad });
  });
  return { raw, multiFile: true };
}

/** Sanitized (unless already, when `sanitizeWith` is absent), unique paths and each file's offset in the piece space. */
function layOut(raw: readonly RawFile[], name: string, multiFile: boolean, sanitizeWith: Map<string, string | undefined> | undefined): TorrentFile[] {
  if (!multiFile) return [{ path: [name], length: raw[0]!.length, offset: 0, pad: false, ...(raw[0]!.piecesRoot && { piecesRoot: raw[0]!.piecesRoot }) }];
  const nameBytes = Buffer.byteLength(name);
  // Already-sanitized parts are fresh arrays of readFiles's own, so renaming them in place is safe.
  const paths = raw.map((f) => (sanitizeWith ? sanitizePath(f.parts, sanitizeWith) : (f.parts as string[])));
  const pads = raw.map((f) => f.pad);
  makePathsUnique(paths, pads);
  // Renaming can add a few bytes (" (1)", a leading '_'): the final paths are measured too.
  paths.forEach((path, i) => {
    const bytes = path.reduce((sum, part) => sum + 1 + Buffer.byteLength(part), nameBytes);
    if (bytes > maxPathBytes) tooLong(`file ${i + 1}`, bytes);
  });

  let offset = 0;
  return paths.map((path, i): TorrentFile => {
    const { length, pad, piecesRoot } = raw[i]!;
    // No spread on this path: it runs once per file, and torrents have hundreds of thousands.
    const file: TorrentFile = piecesRoot ? { path, length, offset, pad, piecesRoot } : { path, length, offset, pad };
    offset += length;
    return file;
  });
}

function tooLong(label: string, bytes: number): never {
  invalid(
    `${label}'s path is ${bytes.toLocaleString('en-US')} bytes long, more than the ${maxPathBytes.toLocaleString('en-US')} bytes a file system leaves for a torrent's paths (4,096 with the save folder)`,
  );
}

function readTrackers(root: BDict): string[][] {
  const seen = new Set<string>();
  const tiers: string[][] = [];
  const list = root.get('announce-list');
  if (Array.isArray(list)) {
    for (const tier of list) {
      if (!Array.isArray(tier)) continue;
      const urls: string[] = [];
      for (const item of tier) {
        const u = url(item);
        if (u === undefined || seen.has(u)) continue;
        seen.add(u);
        urls.push(u);
      }
      if (urls.length > 0) tiers.push(urls);
    }
  }
  // BEP 12: a usable announce-list replaces announce.
  if (tiers.length === 0) {
    const announce = url(root.get('announce'));
    if (announce !== undefined) tiers.push([announce]);
  }
  return tiers;
}

function readUrlList(value: BValue | undefined): string[] {
  const items = Array.isArray(value) ? value : [value];
  return [...new Set(items.map(url).filter((u): u is string => u !== undefined))];
}

function url(value: BValue | undefined): string | undefined {
  const s = asText(value)?.trim();
  return s !== undefined && s !== '' && URL.canParse(s) ? s : undefined;
}


function readDate(value: BValue | undefined): Date | undefined {
  if (typeof value !== 'number' || value <= 0) return undefined;
  return new Date(value >= millisecondsThreshold ? value : value * 1000);
}
