import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bencode } from '../bencode';
import { parseTorrent } from '../metainfo/parse-torrent';
import { readManifest, readTorrent } from '../../testing/shared-fixtures';
import { buildV2Torrent } from '../../testing/v2-torrent';
import { encodeMetainfo } from './metainfo-file';

describe('encodeMetainfo', () => {
  it.each(['alice.torrent', 'numbers.torrent', 'sintel.torrent', 'folder.torrent'])('keeps the info-hash, trackers and descriptive fields of %s', (file) => {
    const original = parseTorrent(readTorrent(file));
    const again = parseTorrent(encodeMetainfo(original));
    expect(again.infoHashHex).toBe(readManifest().find((t) => t.file === file)?.info_hash);
    expect(again.trackers).toEqual(original.trackers);
    expect(again.urlList).toEqual(original.urlList);
    expect([again.comment, again.createdBy, again.creationDate]).toEqual([original.comment, original.createdBy, original.creationDate]);
  });
});

describe('encodeMetainfo for v2 and hybrid torrents', () => {
  const pieceLength = 16 * 1024;
  const files = [
    { path: ['big'], data: randomBytes(5 * pieceLength + 3) },
    { path: ['small'], data: randomBytes(7) },
  ];
  it.each([false, true])('keeps the piece layers, so a resumed torrent verifies by its trees (hybrid: %s)', (hybrid) => {
    const parts = buildV2Torrent({ name: 'v2', pieceLength, files, hybrid });
    const original = parseTorrent(bencode({ info: parts.info, 'piece layers': parts.pieceLayers, 'url-list': ['http://127.0.0.1:1/'] }));
    const again = parseTorrent(encodeMetainfo(original));
    expect(again.version).toBe(hybrid ? 'hybrid' : 'v2');
    expect(again.infoHashHex).toBe(original.infoHashHex);
    expect(Buffer.from(again.infoHashV2!).equals(original.infoHashV2!)).toBe(true);
    expect(again.files[0]!.pieceLayer).toEqual(original.files[0]!.pieceLayer);
    expect(again.files[0]!.pieceLayer?.length).toBe(6 * 32);
    expect(again.urlList).toEqual(['http://127.0.0.1:1/']);
  });

  it('saves a torrent from a magnet whose piece layers have not all arrived, and reads it back the same', () => {
    const parts = buildV2Torrent({ name: 'v2', pieceLength, files });
    const fromPeers = parseTorrent(bencode({ info: parts.info }), { pieceLayersLater: true });
    const saved = encodeMetainfo(fromPeers);
    expect(() => parseTorrent(saved)).toThrow(/has no entry in its 'piece layers'/);
    expect(parseTorrent(saved, { pieceLayersLater: true }).files[0]!.pieceLayer).toBeUndefined();
  });
});
