import bencode from 'bencode';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ShoalError } from '../../../src-shared/errors';
import { parseMagnet } from './magnet';
import { metainfoFromMagnet } from './magnet-metadata';
import { parseTorrent } from './parse-torrent';
import { readTorrent } from '../../testing/shared-fixtures';

describe('metainfoFromMagnet', () => {
  const leaves = parseTorrent(readTorrent('leaves.torrent'));

  it('gives the torrent the info dictionary describes, with the magnet trackers and web seeds', () => {
    const magnet = parseMagnet(`magnet:?xt=urn:btih:${leaves.infoHashHex}&tr=http://127.0.0.1:1/a&tr=udp://127.0.0.1:2&ws=http://127.0.0.1:3/`);
    const m = metainfoFromMagnet(magnet, leaves.infoBytes);
    expect(m.infoHashHex).toBe(leaves.infoHashHex);
    expect(m.files).toEqual(leaves.files);
    expect(m.pieceHashes).toEqual(leaves.pieceHashes);
    expect(m.trackers).toEqual([['http://127.0.0.1:1/a'], ['udp://127.0.0.1:2']]);
    expect(m.urlList).toEqual(['http://127.0.0.1:3/']);
  });

  it("names a torrent without info.name after the magnet's dn", () => {
    const corrupt = parseTorrent(readTorrent('corrupt.torrent'));
    const m = metainfoFromMagnet(parseMagnet(`magnet:?xt=urn:btih:${corrupt.infoHashHex}&dn=Leaves`), corrupt.infoBytes);
    expect(m.name).toBe('Leaves');
  });

  it('refuses metadata that does not hash to the magnet info-hash', () => {
    const other = parseMagnet(`magnet:?xt=urn:btih:${'0'.repeat(40)}`);
    expect(() => metainfoFromMagnet(other, leaves.infoBytes)).toThrow(ShoalError);
    expect(() => metainfoFromMagnet(other, leaves.infoBytes)).toThrow(/does not match its info-hash/);
  });

  it("checks a hybrid's metadata against both hashes of its magnet (btih and btmh)", () => {
    const info: Uint8Array = bencode.encode({ length: 5, 'meta version': 2, name: 'a', 'piece length': 16_384, pieces: new Uint8Array(20), 'file tree': { a: { '': { length: 5, 'pieces root': new Uint8Array(32) } } } });
    const v1 = createHash('sha1').update(info).digest('hex');
    const v2 = createHash('sha256').update(info).digest('hex');
    expect(metainfoFromMagnet(parseMagnet(`magnet:?xt=urn:btih:${v1}&xt=urn:btmh:1220${v2}`), info).infoHashHex).toBe(v1);
    const wrongV2 = parseMagnet(`magnet:?xt=urn:btih:${v1}&xt=urn:btmh:1220${'0'.repeat(64)}`);
    expect(() => metainfoFromMagnet(wrongV2, info)).toThrow(/does not match its v2 info-hash/);
  });

  it('refuses bytes that are not one bencoded dictionary (no smuggling extra keys past the wrapper)', () => {
    const magnet = parseMagnet(`magnet:?xt=urn:btih:${leaves.infoHashHex}`);
    expect(() => metainfoFromMagnet(magnet, new TextEncoder().encode('de4:infod4:name1:xe'))).toThrow(/damaged/);
    const trailing = new Uint8Array([...leaves.infoBytes.subarray(0, -1), ...new TextEncoder().encode('3:fooi1ee')]);
    expect(() => metainfoFromMagnet(magnet, trailing)).toThrow(ShoalError);
  });
});
