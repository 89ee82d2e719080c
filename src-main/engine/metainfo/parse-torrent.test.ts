import bencode from 'bencode';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseTorrent } from './parse-torrent';
import { refusal } from '../../testing/refusal';
import { readManifest, readTorrent } from '../../testing/shared-fixtures';

const enc = (value: unknown): Uint8Array => bencode.encode(value);
const hashes = (count: number): Uint8Array => new Uint8Array(20 * count);

/** A valid single-file torrent whose parts a test can override. */
function single(info: Record<string, unknown> = {}, root: Record<string, unknown> = {}): Uint8Array {
  return enc({ info: { name: 'a.bin', length: 40_000, 'piece length': 16_384, pieces: hashes(3), ...info }, ...root });
}

function multi(files: unknown[], info: Record<string, unknown> = {}): Uint8Array {
  return enc({ info: { name: 'dir', files, 'piece length': 16_384, pieces: hashes(1), ...info } });
}

describe('parseTorrent on the shared fixtures', () => {
  for (const t of readManifest()) {
    it(`agrees with the manifest on ${t.file}`, () => {
      const fallbackName = t.file.replace(/\.torrent$/, '');
      const m = parseTorrent(readTorrent(t.file), { fallbackName });
      expect(m.infoHashHex).toBe(t.info_hash);
      expect(Buffer.from(m.infoHash).toString('hex')).toBe(t.info_hash);
      expect(createHash('sha1').update(m.infoBytes).digest('hex')).toBe(t.info_hash);
      expect(m.name).toBe(t.name ?? fallbackName);
      expect(m.pieceLength).toBe(t.piece_length);
      expect(m.pieceCount).toBe(t.piece_count);
      expect(m.lastPieceLength).toBe(t.last_piece_length);
      expect(m.length).toBe(t.total_length);
      expect(m.pieceHashes.length).toBe(20 * t.piece_count);
      expect(m.files.map((f) => ({ path: f.path, length: f.length }))).toEqual(
        t.files.map((f) => ({ path: f.path.map((p) => p ?? fallbackName), length: f.length })),
      );
      expect(m.private).toBe(t.private === 1);
      expect(m.urlList).toEqual(t.url_list ?? []);
    });
  }

  it('names a torrent without info.name after its info-hash when no fallback is given', () => {
    const m = parseTorrent(readTorrent('corrupt.torrent'));
    expect(m.name).toBe('a8c5ba22839b4a22c99cc8197dcfcbf558ef1e09');
    expect(m.files[0]?.path).toEqual([m.name]);
  });

  it('reads creation dates in seconds and in milliseconds', () => {
    expect(parseTorrent(readTorrent('alice.torrent')).creationDate?.toISOString()).toBe('2016-01-10T23:32:05.091Z');
    expect(parseTorrent(readTorrent('leaves.torrent')).creationDate?.toISOString()).toBe('2013-08-01T13:27:46.000Z');
  });
});

describe('parseTorrent reads what BEP 3, 12, 19 and 27 allow', () => {
  it('lays out multi-file torrents with offsets and BEP 47 pad files', () => {
    const m = parseTorrent(
      multi([
        { length: 10, path: ['sub', 'x.txt'] },
        { length: 16_374, path: ['.pad', '16374'], attr: 'p' },
        { length: 5, path: ['y.txt'], attr: 'x' },
      ], { pieces: hashes(2) }),
    );
    expect(m.multiFile).toBe(true);
    expect(m.files).toEqual([
      { path: ['sub', 'x.txt'], length: 10, offset: 0, pad: false },
      { path: ['.pad', '16374'], length: 16_374, offset: 10, pad: true },
      { path: ['y.txt'], length: 5, offset: 16_384, pad: false },
    ]);
    expect(m.length).toBe(16_389);
    expect(m.lastPieceLength).toBe(5);
  });

  it('uses announce-list tiers and ignores announce then (BEP 12)', () => {
    const m = parseTorrent(
      single({}, {
        announce: 'http://127.0.0.1:1/ignored',
        'announce-list': [['http://127.0.0.1:1/a', 'udp://127.0.0.1:2'], [], ['http://127.0.0.1:1/a', 'not a url'], ['http://127.0.0.1:3/b']],
      }),
    );
    expect(m.trackers).toEqual([['http://127.0.0.1:1/a', 'udp://127.0.0.1:2'], ['http://127.0.0.1:3/b']]);
  });

  it('falls back to announce when announce-list is empty', () => {
    const m = parseTorrent(single({}, { announce: 'http://127.0.0.1:1/a', 'announce-list': [] }));
    expect(m.trackers).toEqual([['http://127.0.0.1:1/a']]);
  });

  it('reads url-list as a string or a list (BEP 19)', () => {
    expect(parseTorrent(single({}, { 'url-list': 'http://127.0.0.1/s' })).urlList).toEqual(['http://127.0.0.1/s']);
    expect(parseTorrent(single({}, { 'url-list': ['http://127.0.0.1/a', '', 'http://127.0.0.1/b'] })).urlList).toEqual([
      'http://127.0.0.1/a',
      'http://127.0.0.1/b',
    ]);
    expect(parseTorrent(single({}, { 'url-list': '' })).urlList).toEqual([]);
  });

  it('reads private, comment, created by, source', () => {
    const m = parseTorrent(single({ private: 1, source: 'SRC' }, { comment: 'hi', 'created by': 'me', 'creation date': 1_700_000_000 }));
    expect(m).toMatchObject({ private: true, comment: 'hi', createdBy: 'me', source: 'SRC' });
    expect(m.creationDate?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(parseTorrent(single({ private: 0 })).private).toBe(false);
  });

  it('keeps the info-hash of the original bytes for unsorted keys', () => {
    const info = 'd4:name5:a.bin12:piece lengthi16384e6:lengthi5e6:pieces20:' + 'x'.repeat(20) + 'e';
    const m = parseTorrent(new TextEncoder().encode(`d4:info${info}e`));
    expect(m.infoHashHex).toBe(createHash('sha1').update(info).digest('hex'));
    expect(m.infoHashHex).not.toBe(createHash('sha1').update(enc(bencode.decode(Buffer.from(info)))).digest('hex'));
  });
});

describe('parseTorrent refuses malformed torrents with a sentence that names the problem', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['not a dictionary', enc([1, 2]), /not a bencoded dictionary/],
    ['no info', enc({ announce: 'x' }), /no info dictionary/],
    ['info not a dictionary', enc({ info: 'x' }), /info is not a dictionary/],
    ['no piece length', single({ 'piece length': undefined }), /no 'piece length'/],
    ['zero piece length', single({ 'piece length': 0 }), /piece length 0 is not positive/],
    ['negative piece length', single({ 'piece length': -16 }), /piece length -16 is not positive/],
    ['huge piece length', single({ 'piece length': 2 ** 40 }), /larger than 256 MiB/],
    ['negative single length', single({ length: -1 }), /length is negative/],
    ['both length and files', single({ files: [{ length: 1, path: ['a'] }] }), /both 'length' and 'files'/],
    ['neither length nor files', single({ length: undefined }), /neither a 'length'/],
    ['empty file list', multi([]), /file list is empty/],
    ['file not a dictionary', multi([{ length: 1, path: ['a'] }, 5]), /file 2 is not a dictionary/],
    ['negative file length', multi([{ length: 1, path: ['a'] }, { length: 1, path: ['b'] }, { length: -5, path: ['c'] }]), /file 3 has a negative length/],
    ['file without length', multi([{ path: ['a'] }]), /file 1 has no length/],
    ['file without path', multi([{ length: 1 }]), /file 1 has no path/],
    ['file with empty path', multi([{ length: 1, path: [] }]), /file 1 has no path/],
    ['path component not a string', multi([{ length: 1, path: ['a', 7] }]), /file 1 has a path component that is not a string/],
    ['zero total length', single({ length: 0, pieces: hashes(0) }), /total length is 0/],
    ['total beyond 2^53', multi([{ length: 2 ** 52, path: ['a'] }, { length: 2 ** 52, path: ['b'] }]), /total length is too large/],
    ['pieces missing', single({ pieces: undefined }), /no 'pieces' byte string/],
    ['pieces not a byte string', single({ pieces: [1] }), /no 'pieces' byte string/],
    ['pieces not a multiple of 20', single({ pieces: new Uint8Array(59) }), /59 bytes long, not a multiple of 20/],
    ['too few piece hashes', single({ pieces: hashes(2) }), /2 piece hashes but its length needs 3/],
    ['too many piece hashes', single({ pieces: hashes(4) }), /4 piece hashes but its length needs 3/],
    ['meta version not an integer', single({ 'meta version': 'two' }), /'meta version' is not an integer/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`refuses: ${what}`, () => {
      const err = refusal(() => parseTorrent(bytes));
      expect(err.code).toBe('invalid-torrent');
      expect(err.message).toMatch(message);
      expect(err.message).toMatch(/^Invalid torrent: .+\.$/);
    });
  }

  it('refuses unknown meta versions', () => {
    const err = refusal(() => parseTorrent(single({ 'meta version': 3 })));
    expect(err.code).toBe('unsupported-torrent');
    expect(err.message).toMatch(/meta version 3/);
  });
});

describe('parseTorrent sanitizes paths', () => {
  const paths = (files: unknown[]): string[] =>
    parseTorrent(multi(files.map((path) => ({ length: 1, path })))).files.map((f) => f.path.join('/'));

  it('drops traversal, empty and dot components in every form', () => {
    expect(paths([['..', '..', 'etc', 'passwd'], ['a', '.', '', 'b'], ['..'], ['/abs'], ['..\\..\\win'], ['C:\\x']])).toEqual([
      'etc/passwd',
      'a/b',
      '_',
      '_abs',
      '.._.._win',
      'C__x',
    ]);
  });

  it('replaces separators, Windows-forbidden characters and NUL inside a component', () => {
    expect(paths([['a/b'], ['a:b'], ['q?<>|"*'], ['nul\0byte'], ['tab\there']])).toEqual(['a_b', 'a_b (1)', 'q______', 'nul_byte', 'tab_here']);
  });

  it('prefixes Windows device names, with or without extension, in any case', () => {
    expect(paths([['CON'], ['aux.txt'], ['Lpt1.log'], ['com9'], ['console'], ['nul .tar.gz']])).toEqual([
      '_CON',
      '_aux.txt',
      '_Lpt1.log',
      '_com9',
      'console',
      '_nul .tar.gz',
    ]);
  });

  it('replaces trailing dots and spaces, which Windows would strip', () => {
    expect(paths([['name.'], ['name '], ['...']])).toEqual(['name_', 'name_ (1)', '___']);
  });

  it('truncates over-long components to 255 bytes, keeping the extension', () => {
    const [long] = paths([['é'.repeat(300) + '.mkv']]);
    expect(Buffer.byteLength(long!)).toBeLessThanOrEqual(255);
    expect(long!.endsWith('.mkv')).toBe(true);
  });

  it('makes duplicate paths unique, ignoring case, and keeps a file from sitting where a folder must be', () => {
    expect(paths([['a.txt'], ['A.TXT'], ['a.txt'], ['d'], ['d', 'x'], ['d', 'y'], ['e', 'f'], ['e']])).toEqual([
      'a.txt',
      'A (1).TXT',
      'a (2).txt',
      'd',
      'd (1)/x',
      'd (1)/y',
      'e/f',
      'e (1)',
    ]);
  });

  it('treats names that differ only in Unicode normalization as duplicates', () => {
    expect(paths([['caf\u00e9'], ['cafe\u0301']])).toEqual(['caf\u00e9', 'cafe\u0301 (1)']);
  });

  it('sanitizes the torrent name and falls back when nothing usable is left', () => {
    expect(parseTorrent(single({ name: '../evil' })).name).toBe('.._evil');
    expect(parseTorrent(single({ name: '..' }), { fallbackName: 'from-file' }).name).toBe('from-file');
  });
});
