import { createHash } from 'node:crypto';
import { binaryKey, type BEncodable } from '../engine/bencode';
import { leafHashes, pieceLayerFromLeaves, rootFromLeaves } from '../engine/merkle';

/** A file of a hand-built v2 test torrent: its path under the torrent's folder and its bytes. */
export interface V2FileSpec {
  readonly path: readonly string[];
  readonly data: Uint8Array;
}

/** The parts of a v2 or hybrid torrent, as plain values a test may break before encoding. */
export interface V2TorrentParts {
  /** The info dictionary: `file tree` keys and `files` paths are binary strings (UTF-8 bytes). */
  readonly info: Record<string, BEncodable>;
  /** `piece layers`: pieces root (binary string) → layer. */
  readonly pieceLayers: Map<string, Uint8Array>;
  /** The piece space: files aligned to pieces, zeros in the gaps (what v1 peers of a hybrid hash). */
  readonly content: Uint8Array;
}

const binary = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

/**
 * Builds a v2 (or, with `hybrid`, a v1 + v2) torrent's parts the way libtorrent lays them out,
 * independently of Shoal's creator: `file tree` in the files' order (give them sorted), a pad file
 * after every file whose end is not on a piece boundary (v2-only: but the last).
 */
export function buildV2Torrent(spec: {
  name: string;
  pieceLength: number;
  files: readonly V2FileSpec[];
  hybrid?: boolean;
}): V2TorrentParts {
  const { pieceLength } = spec;
  const tree = new Map<string, BEncodable>();
  const pieceLayers = new Map<string, Uint8Array>();
  const v1Files: BEncodable[] = [];
  const chunks: Uint8Array[] = [];
  spec.files.forEach((file, i) => {
    const entry: Record<string, BEncodable> = { length: file.data.length };
    if (file.data.length > 0) {
      const leaves = leafHashes(file.data);
      const root = rootFromLeaves(leaves);
      entry['pieces root'] = root;
      if (file.data.length > pieceLength) pieceLayers.set(binaryKey(root), pieceLayerFromLeaves(leaves, pieceLength));
    }
    let node = tree;
    file.path.forEach((part, depth) => {
      const key = binary(part);
      if (depth === file.path.length - 1) node.set(key, new Map([['', entry]]));
      else {
        if (!node.has(key)) node.set(key, new Map<string, BEncodable>());
        node = node.get(key) as Map<string, BEncodable>;
      }
    });
    v1Files.push({ length: file.data.length, path: file.path.map(binary) });
    chunks.push(file.data);
    const gap = (pieceLength - (file.data.length % pieceLength)) % pieceLength;
    // libtorrent 2.0 pads the last file too in a hybrid's list; a v2-only layout (Shoal's) does not.
    if (gap > 0 && (spec.hybrid ? spec.files.length > 1 : i < spec.files.length - 1)) {
      v1Files.push({ attr: 'p', length: gap, path: ['.pad', String(gap)] });
      chunks.push(new Uint8Array(gap));
    }
  });
  const content = Buffer.concat(chunks);
  const info: Record<string, BEncodable> = { 'file tree': tree, 'meta version': 2, name: binary(spec.name), 'piece length': pieceLength };
  if (spec.hybrid) {
    const pieces = new Uint8Array(20 * Math.ceil(content.length / pieceLength));
    for (let p = 0; p * pieceLength < content.length; p++) {
      pieces.set(createHash('sha1').update(content.subarray(p * pieceLength, (p + 1) * pieceLength)).digest(), 20 * p);
    }
    info['pieces'] = pieces;
    info['files'] = v1Files;
  }
  return { info, pieceLayers, content };
}
