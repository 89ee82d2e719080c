import { describe, expect, it } from 'vitest';
import { parseTorrent } from '../metainfo/parse-torrent';
import { readManifest, readTorrent } from '../../testing/shared-fixtures';
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
