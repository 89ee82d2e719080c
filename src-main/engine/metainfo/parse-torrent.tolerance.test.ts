import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bencode, type BEncodable } from '../bencode';
import { parseTorrent } from './parse-torrent';

// Shapes libtorrent loads and Shoal refused; the meaning of each is unambiguous.
const pieceLength = 16384;

function torrent(files: readonly BEncodable[], length: number): { bytes: Uint8Array; infoHash: string } {
  const info = bencode({ files, name: 'folder', 'piece length': pieceLength, pieces: new Uint8Array(20 * Math.ceil(length / pieceLength)) });
  const bytes = new Uint8Array([...new TextEncoder().encode('d4:info'), ...info, 0x65]);
  return { bytes, infoHash: createHash('sha1').update(info).digest('hex') };
}

describe('parseTorrent loads what libtorrent loads', () => {
  it('ignores bytes after the top-level dictionary, hashing the info as it appears', () => {
    const { bytes, infoHash } = torrent([{ length: 5, path: ['a'] }], 5);
    for (const tail of ['\n', '\r\n', '\0\0\0\0', 'garbage d4:infodee']) {
      const m = parseTorrent(new Uint8Array([...bytes, ...new TextEncoder().encode(tail)]));
      expect(m.infoHashHex).toBe(infoHash);
      expect(m.files.map((f) => f.path)).toEqual([['a']]);
    }
  });

  it('takes a BEP 47 pad file without a path', () => {
    const { bytes, infoHash } = torrent([{ length: 5, path: ['a'] }, { attr: 'p', length: pieceLength - 5 }, { length: 3, path: ['b'] }], pieceLength + 3);
    const m = parseTorrent(bytes);
    expect(m.infoHashHex).toBe(infoHash);
    expect(m.files.map((f) => [f.length, f.offset, f.pad])).toEqual([[5, 0, false], [pieceLength - 5, 5, true], [3, pieceLength, false]]);
    expect(m.files.filter((f) => !f.pad).map((f) => f.path)).toEqual([['a'], ['b']]);
  });

  it('takes a symbolic link entry (attr l) without a length as an empty entry that is never written', () => {
    const { bytes, infoHash } = torrent([{ length: 5, path: ['a'] }, { attr: 'l', path: ['link'], 'symlink path': ['a'] }], 5);
    const m = parseTorrent(bytes);
    expect(m.infoHashHex).toBe(infoHash);
    expect(m.length).toBe(5);
    expect(m.files.map((f) => [f.path, f.length, f.pad])).toEqual([[['a'], 5, false], [['link'], 0, true]]);
  });

  it('still refuses a file without a path or a length that is not a pad file or a link', () => {
    expect(() => parseTorrent(torrent([{ length: 5, path: ['a'] }, { length: 3 }], 8).bytes)).toThrow(/file 2 has no path/);
    expect(() => parseTorrent(torrent([{ length: 5, path: ['a'] }, { path: ['b'] }], 5).bytes)).toThrow(/file 2 has no length/);
  });
});
