import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bencode, binaryKey, type BEncodable } from '../bencode';
import { refusal } from '../../testing/refusal';
import { buildV2Torrent, type V2TorrentParts } from '../../testing/v2-torrent';
import { parseTorrent } from './parse-torrent';

const hex = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('hex');
const pieceLength = 32 * 1024;
// Sorted as a file tree sorts them: an empty file, files smaller than a piece, one of several pieces.
const files = [
  { path: ['a.bin'], data: randomBytes(3 * pieceLength + 1000) },
  { path: ['dir', 'b.txt'], data: randomBytes(10) },
  { path: ['dir', 'empty'], data: new Uint8Array(0) },
  { path: ['dir', 'sub', 'c'], data: randomBytes(pieceLength) },
  { path: ['z'], data: randomBytes(pieceLength + 1) },
];

function encode(parts: Pick<V2TorrentParts, 'info' | 'pieceLayers'>, root: Record<string, BEncodable> = {}): Uint8Array {
  return bencode({ info: parts.info, 'piece layers': parts.pieceLayers, ...root });
}

const infoSpan = (parts: V2TorrentParts): Uint8Array => bencode(parts.info);

describe('parseTorrent reads BitTorrent v2 (BEP 52)', () => {
  it('reads a v2-only multi-file torrent: SHA-256 info-hash, files aligned to pieces, roots and piece layers', () => {
    const parts = buildV2Torrent({ name: 'v2 torrent', pieceLength, files });
    const m = parseTorrent(encode(parts));
    const sha256 = createHash('sha256').update(infoSpan(parts)).digest();
    expect(m.version).toBe('v2');
    expect(hex(m.infoHashV2)).toBe(sha256.toString('hex'));
    // On the wire and as the engine's key, a v2-only torrent goes by its SHA-256 cut to 20 bytes.
    expect(m.infoHashHex).toBe(sha256.subarray(0, 20).toString('hex'));
    expect(m.pieceHashes.length).toBe(0);
    expect(m.name).toBe('v2 torrent');
    expect(m.multiFile).toBe(true);
    const real = m.files.filter((f) => !f.pad);
    expect(real.map((f) => f.path.join('/'))).toEqual(files.map((f) => f.path.join('/')));
    // Pad files after every file but the last whose end is not on a piece boundary.
    expect(m.files.map((f) => [f.path.join('/'), f.offset, f.pad])).toEqual([
      ['a.bin', 0, false],
      [`.pad/${pieceLength - 1000}`, 3 * pieceLength + 1000, true],
      ['dir/b.txt', 4 * pieceLength, false],
      [`.pad/${pieceLength - 10}`, 4 * pieceLength + 10, true],
      ['dir/empty', 5 * pieceLength, false],
      ['dir/sub/c', 5 * pieceLength, false],
      ['z', 6 * pieceLength, false],
    ]);
    expect(m.length).toBe(7 * pieceLength + 1);
    expect(m.pieceCount).toBe(8);
    expect(m.lastPieceLength).toBe(1);
    for (const [i, spec] of files.entries()) {
      const file = real[i]!;
      if (spec.data.length === 0) expect(file.piecesRoot).toBeUndefined();
      else expect(file.piecesRoot?.length).toBe(32);
      if (spec.data.length > pieceLength) expect(hex(file.pieceLayer)).toBe(hex(parts.pieceLayers.get(binaryKey(file.piecesRoot!))));
      else expect(file.pieceLayer).toBeUndefined();
    }
    expect(m.files.every((f) => f.pad || f.length === 0 || f.offset % pieceLength === 0)).toBe(true);
  });

  it('reads a v2-only single file under its own name', () => {
    const parts = buildV2Torrent({ name: 'one.bin', pieceLength, files: [{ path: ['one.bin'], data: randomBytes(100) }] });
    const m = parseTorrent(encode(parts));
    expect(m.multiFile).toBe(false);
    expect(m.name).toBe('one.bin');
    expect(m.files).toHaveLength(1);
    expect(m.files[0]!.path).toEqual(['one.bin']);
    expect(m.length).toBe(100);
  });

  it('reads a hybrid: both info-hashes, v1 piece hashes, and the roots on the v1 files they belong to', () => {
    const parts = buildV2Torrent({ name: 'hybrid', pieceLength, files, hybrid: true });
    const m = parseTorrent(encode(parts));
    const span = infoSpan(parts);
    expect(m.version).toBe('hybrid');
    expect(m.infoHashHex).toBe(createHash('sha1').update(span).digest('hex'));
    expect(hex(m.infoHashV2)).toBe(createHash('sha256').update(span).digest('hex'));
    expect(m.pieceHashes.length).toBe(20 * 8);
    expect(m.length).toBe(parts.content.length);
    expect(m.length).toBe(8 * pieceLength);
    const v2 = parseTorrent(encode(buildV2Torrent({ name: 'hybrid', pieceLength, files })));
    // The same layout as a v2-only torrent's, but for the pad libtorrent puts after a hybrid's last file.
    expect(m.files.at(-1)).toMatchObject({ pad: true, length: pieceLength - 1 });
    expect(m.files.slice(0, -1).map((f) => [f.path, f.offset, f.length, f.pad, hex(f.piecesRoot), hex(f.pieceLayer)])).toEqual(
      v2.files.map((f) => [f.path, f.offset, f.length, f.pad, hex(f.piecesRoot), hex(f.pieceLayer)]),
    );
  });

  it('reads a single-file hybrid', () => {
    const parts = buildV2Torrent({ name: 'one.bin', pieceLength, files: [{ path: ['one.bin'], data: randomBytes(2 * pieceLength) }], hybrid: true });
    const { files: _files, ...info } = parts.info;
    const m = parseTorrent(encode({ ...parts, info: { ...info, length: 2 * pieceLength } }));
    expect(m.version).toBe('hybrid');
    expect(m.multiFile).toBe(false);
    expect(m.files[0]!.pieceLayer?.length).toBe(64);
  });

  it('loads info from peers without piece layers, which come later, and refuses a .torrent without them', () => {
    const parts = buildV2Torrent({ name: 'v2', pieceLength, files });
    const bytes = encode({ info: parts.info, pieceLayers: new Map() });
    expect(parseTorrent(bytes, { pieceLayersLater: true }).files.every((f) => f.pieceLayer === undefined)).toBe(true);
    expect(refusal(() => parseTorrent(bytes)).message).toMatch(/file 1 \('a.bin'\) has no entry in its 'piece layers'/);
    expect(refusal(() => parseTorrent(bencode({ info: parts.info }))).message).toMatch(/has no entry in its 'piece layers'/);
  });
});

describe('parseTorrent refuses malformed v2 torrents with one sentence each', () => {
  const base = (): V2TorrentParts => buildV2Torrent({ name: 'bad', pieceLength, files });
  const hybrid = (): V2TorrentParts => buildV2Torrent({ name: 'bad', pieceLength, files, hybrid: true });
  const tree = (t: BEncodable): Uint8Array => encode({ info: { ...base().info, 'file tree': t }, pieceLayers: base().pieceLayers });
  const file = (entry: BEncodable): Uint8Array => tree(new Map([['x', new Map([['', entry]])]]));
  const root32 = new Uint8Array(32);
  const withInfo = (parts: V2TorrentParts, info: Record<string, BEncodable | undefined>): Uint8Array =>
    encode({ info: Object.fromEntries(Object.entries({ ...parts.info, ...info }).filter(([, v]) => v !== undefined)) as Record<string, BEncodable>, pieceLayers: parts.pieceLayers });
  const v1Files = (parts: V2TorrentParts): Record<string, BEncodable>[] => parts.info['files'] as Record<string, BEncodable>[];
  const layers = (edit: (layer: Uint8Array) => BEncodable): Uint8Array => {
    const parts = base();
    return bencode({ info: parts.info, 'piece layers': new Map([...parts.pieceLayers].map(([k, v]) => [k, edit(v)])) });
  };

  const cases: [string, () => Uint8Array, RegExp][] = [
    ['piece length not a power of two', () => withInfo(base(), { 'piece length': 3 * 16384 }), /piece length 49152 is not a power of two of at least 16 KiB/],
    ['piece length under 16 KiB', () => withInfo(base(), { 'piece length': 8192 }), /piece length 8192 is not a power of two of at least 16 KiB/],
    ['no file tree', () => withInfo(base(), { 'file tree': undefined }), /'meta version' 2 but no 'file tree'/],
    ['file tree not a dictionary', () => tree([1]), /'file tree' is not a dictionary/],
    ['file tree that is a file', () => tree(new Map([['', new Map([['length', 1]])]])), /'file tree' is itself a file/],
    ['empty file tree', () => tree(new Map()), /'file tree' is empty/],
    ['entry not a dictionary', () => tree(new Map([['x', 5]])), /entry 'x' is not a dictionary/],
    ['file and folder at once', () => tree(new Map([['x', new Map<string, BEncodable>([['', new Map([['length', 1]])], ['y', new Map()]])]])), /'x' is both a file and a folder/],
    ['empty folder', () => tree(new Map([['x', new Map([['y', new Map()]])]])), /folder 'x\/y' is empty/],
    ['file entry not a dictionary', () => file('nope'), /entry 'x' is not a dictionary/],
    ['file without length', () => file(new Map([['pieces root', root32]])), /file 'x' in its file tree has no length/],
    ['file with negative length', () => file(new Map([['length', -1]])), /file 'x' in its file tree has a negative length/],
    ['file without pieces root', () => file(new Map([['length', 5]])), /file 'x' in its file tree has no 32-byte 'pieces root'/],
    ['pieces root of 20 bytes', () => file(new Map<string, BEncodable>([['length', 5], ['pieces root', new Uint8Array(20)]])), /no 32-byte 'pieces root'/],
    ['only empty files', () => file(new Map([['length', 0]])), /total length is 0/],
    ['piece layers not a dictionary', () => bencode({ info: base().info, 'piece layers': 'x' }), /'piece layers' is not a dictionary/],
    ['piece layer of the wrong length', () => layers((l) => l.subarray(32)), /piece layer of file 1 \('a.bin'\) is not 128 bytes of hashes/],
    ['piece layer not a string', () => layers(() => 7), /piece layer of file 1 \('a.bin'\) is not 128 bytes/],
    ['piece layer that does not hash to the root', () => layers((l) => Uint8Array.from(l, (b, i) => (i === 5 ? b ^ 1 : b))), /piece layer of file 1 \('a.bin'\) does not hash to its pieces root/],
    ['meta version 3', () => withInfo(base(), { 'meta version': 3 }), /meta version 3/],
    ['file tree without meta version 2', () => withInfo(base(), { 'meta version': undefined }), /'file tree' comes without 'meta version' 2/],
    ['hybrid with a file missing from the v1 part', () => {
      const parts = hybrid();
      // a.bin and its pad file gone, with the piece hashes of what is left.
      return withInfo(parts, { files: v1Files(parts).slice(2), pieces: new Uint8Array(20 * 4) });
    }, /v1 and v2 parts disagree: the v1 part lists 4 files and the v2 file tree 5/],
    ['hybrid with another name in the v1 part', () => {
      const parts = hybrid();
      return withInfo(parts, { files: v1Files(parts).map((f, i) => (i === 0 ? { ...f, path: ['other.bin'] } : f)) });
    }, /disagree: file 1 is 'other.bin' in the v1 part and 'a.bin' in the file tree/],
    ['hybrid whose v1 name holds a line break', () => {
      const parts = hybrid();
      return withInfo(parts, { files: v1Files(parts).map((f, i) => (i === 0 ? { ...f, path: ['a\nb.bin'] } : f)) });
    }, /disagree: file 1 is 'a\\x0ab\.bin' in the v1 part and 'a\.bin' in the file tree/],
    ['hybrid with another length in the v1 part', () => {
      const parts = hybrid();
      return withInfo(parts, { files: v1Files(parts).map((f, i) => (i === 2 ? { ...f, length: 11 } : i === 3 ? { ...f, length: (f['length'] as number) - 1 } : f)) });
    }, /disagree: file 2 is 'dir\/b.txt', 11 bytes in the v1 part and 10 in the file tree/],
    ['hybrid with a file off its piece boundary', () => {
      const parts = hybrid();
      return withInfo(parts, { files: v1Files(parts).map((f, i) => (i === 1 ? { ...f, length: (f['length'] as number) - 1 } : i === 3 ? { ...f, length: (f['length'] as number) + 1 } : f)) });
    }, /disagree: file 2 is 'dir\/b.txt' and does not start at a piece boundary in the v1 part/],
    ['hybrid with a piece too many', () => {
      const parts = hybrid();
      const extra = v1Files(parts).concat([{ attr: 'p', length: 2 * pieceLength, path: ['.pad', 'x'] }]);
      return withInfo(parts, { files: extra, pieces: new Uint8Array(20 * 10) });
    }, /disagree: the v1 part has 10 pieces and the v2 part 8/],
    ['hybrid with a broken v1 part', () => withInfo(hybrid(), { pieces: new Uint8Array(20) }), /1 piece hashes but its length needs 8/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`refuses: ${what}`, () => {
      const err = refusal(() => parseTorrent(bytes()));
      expect(err.code).toBe(what === 'meta version 3' ? 'unsupported-torrent' : 'invalid-torrent');
      expect(err.message).toMatch(message);
      expect(err.message).toMatch(/^[^\n]+\.$/);
    });
  }
});
