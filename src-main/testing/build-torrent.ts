import { createHash, randomBytes } from 'node:crypto';
import type { Metainfo, TorrentFile } from '../engine/metainfo/metainfo';

/** A file of a hand-built test torrent. */
export interface FileSpec {
  readonly path: readonly string[];
  readonly length: number;
  readonly pad?: boolean;
}

/**
 * Builds a Metainfo and matching random content for storage tests, hashing pieces with
 * node:crypto, so storage is tested without the .torrent parser. Pad regions are zeros (BEP 47).
 */
export function buildTorrent(spec: {
  name: string;
  pieceLength: number;
  files: readonly FileSpec[];
  multiFile?: boolean;
}): { metainfo: Metainfo; content: Buffer } {
  let offset = 0;
  const files: TorrentFile[] = spec.files.map((f) => {
    const file = { path: f.path, length: f.length, offset, pad: f.pad ?? false };
    offset += f.length;
    return file;
  });
  const length = offset;
  const content = randomBytes(length);
  for (const f of files) if (f.pad) content.fill(0, f.offset, f.offset + f.length);
  const pieceCount = Math.ceil(length / spec.pieceLength);
  const pieceHashes = new Uint8Array(pieceCount * 20);
  for (let i = 0; i < pieceCount; i++) {
    pieceHashes.set(createHash('sha1').update(content.subarray(i * spec.pieceLength, (i + 1) * spec.pieceLength)).digest(), i * 20);
  }
  const metainfo: Metainfo = {
    version: 'v1',
    infoHash: new Uint8Array(20),
    infoHashHex: '0'.repeat(40),
    infoBytes: new Uint8Array(0),
    name: spec.name,
    pieceLength: spec.pieceLength,
    pieceCount,
    lastPieceLength: length - (pieceCount - 1) * spec.pieceLength,
    length,
    pieceHashes,
    files,
    multiFile: spec.multiFile ?? spec.files.length > 1,
    trackers: [],
    urlList: [],
    private: false,
  };
  return { metainfo, content };
}
