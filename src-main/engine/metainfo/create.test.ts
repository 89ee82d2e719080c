import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShoalError } from '../../../src-shared/errors';
import { autoPieceLength, createTorrent } from './create';
import { parseTorrent, torrentLimits } from './parse-torrent';
import { contentDir, readManifest } from '../../testing/shared-fixtures';
import { bdecode, isDict } from '../bencode';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-create-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createTorrent reproduces the fixtures whose info dictionaries hold only BEP 3 keys', () => {
  const sources: Record<string, string> = {
    'alice.torrent': 'alice.txt',
    'leaves.torrent': 'Leaves of Grass by Walt Whitman.epub',
    'folder.torrent': 'folder',
    'numbers.torrent': 'numbers',
    'lots-of-numbers.torrent': 'lots-of-numbers',
  };
  for (const t of readManifest().filter((m) => sources[m.file] !== undefined)) {
    it(`gives ${t.file}'s info-hash from its content`, async () => {
      const bytes = await createTorrent(join(contentDir, sources[t.file]!), { pieceLength: t.piece_length });
      const m = parseTorrent(bytes);
      expect(m.infoHashHex).toBe(t.info_hash);
      expect(m.files.map((f) => ({ path: f.path, length: f.length }))).toEqual(t.files);
    });
  }
});

describe('createTorrent', () => {
  it('hashes pieces across file boundaries exactly as a plain SHA-1 of the concatenated stream', async () => {
    const root = join(dir, 'cross');
    await mkdir(join(root, 'sub'), { recursive: true });
    const parts = [Buffer.alloc(20_000, 1), Buffer.alloc(0), Buffer.alloc(30_001, 2), Buffer.alloc(16_384, 3)];
    await writeFile(join(root, 'a'), parts[0]!);
    await writeFile(join(root, 'b-empty'), parts[1]!);
    await writeFile(join(root, 'sub', 'c'), parts[2]!);
    await writeFile(join(root, 'z'), parts[3]!);
    const m = parseTorrent(await createTorrent(root, { pieceLength: 16_384, creationDate: null }));
    const stream = Buffer.concat(parts);
    expect(m.files.map((f) => f.path.join('/'))).toEqual(['a', 'b-empty', 'sub/c', 'z']);
    expect(m.pieceCount).toBe(Math.ceil(stream.length / 16_384));
    for (let i = 0; i < m.pieceCount; i++) {
      const expected = createHash('sha1').update(stream.subarray(i * 16_384, (i + 1) * 16_384)).digest();
      expect(Buffer.from(m.pieceHashes.subarray(i * 20, i * 20 + 20)).equals(expected)).toBe(true);
    }
  });

  it('orders folder entries by the bytes of their full path, like mktorrent', async () => {
    const root = join(dir, 'order');
    for (const p of ['a/x', 'a b', 'a-b/z', 'a.b/y', 'B/q', '_z/w', '.hidden', 'Zed', 'é.txt', 'e.txt']) {
      await mkdir(join(root, p, '..'), { recursive: true });
      await writeFile(join(root, p), p);
    }
    await symlink('Zed', join(root, 'link'));
    await symlink('.', join(root, 'loop'));
    const m = parseTorrent(await createTorrent(root, { pieceLength: 16_384 }));
    expect(m.files.map((f) => f.path.join('/'))).toEqual(['.hidden', 'B/q', 'Zed', '_z/w', 'a b', 'a-b/z', 'a.b/y', 'a/x', 'e.txt', 'link', 'é.txt']);
  });

  it('writes trackers, web seeds, private, comment and source where BEP 3, 12, 19 and 27 put them', async () => {
    const bytes = await createTorrent(join(contentDir, 'alice.txt'), {
      trackers: [['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b'], ['udp://127.0.0.1:2']],
      webSeeds: ['http://127.0.0.1:3/alice.txt'],
      private: true,
      comment: 'a comment',
      source: 'SRC',
      createdBy: 'test',
      creationDate: new Date('2024-01-02T03:04:05Z'),
    });
    const m = parseTorrent(bytes);
    expect(m).toMatchObject({
      trackers: [['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b'], ['udp://127.0.0.1:2']],
      urlList: ['http://127.0.0.1:3/alice.txt'],
      private: true,
      comment: 'a comment',
      source: 'SRC',
      createdBy: 'test',
    });
    expect(m.creationDate?.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    const value = bdecode(bytes, { limits: torrentLimits });
    expect(isDict(value) && value.get('announce')).toEqual(new TextEncoder().encode('http://127.0.0.1:1/a'));
    const info = isDict(value) ? value.get('info') : undefined;
    expect(isDict(info) && [...info.keys()]).toEqual(['length', 'name', 'piece length', 'pieces', 'private', 'source']);
  });

  it('writes canonical bencode: parsing and re-encoding gives the same bytes', async () => {
    const bytes = await createTorrent(join(contentDir, 'numbers'), { comment: 'c', trackers: [['http://127.0.0.1/x']] });
    const bencode = (await import('bencode')).default;
    expect(Buffer.from(bencode.encode(bencode.decode(bytes))).equals(Buffer.from(bytes))).toBe(true);
  });

  it("gives a hybrid of a folder holding one file the pad its v1 part lists, in the last piece's SHA-1 too", async () => {
    const root = join(dir, 'one-in-folder');
    await mkdir(root);
    const data = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 31) & 0xff));
    await writeFile(join(root, 'x.bin'), data);
    const m = parseTorrent(await createTorrent(root, { version: 'hybrid', pieceLength: 32_768 }));
    expect(m.files.map((f) => [f.path.at(-1), f.length])).toEqual([['x.bin', 100_000], ['31072', 31_072]]);
    const padded = Buffer.concat([data, Buffer.alloc(31_072)]);
    expect(Buffer.from(m.pieceHashes.subarray(60, 80)).equals(createHash('sha1').update(padded.subarray(98_304)).digest())).toBe(true);
  });

  it('reports progress up to the total', async () => {
    const seen: number[] = [];
    await createTorrent(join(contentDir, 'Leaves of Grass by Walt Whitman.epub'), { onProgress: (done, total) => seen.push(done / total) });
    expect(seen.at(-1)).toBe(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(createTorrent(join(contentDir, 'alice.txt'), { signal: controller.signal })).rejects.toThrow(/abort/i);
  });

  it('refuses a missing path, empty content, a bad piece length and bad URLs with a sentence', async () => {
    const empty = join(dir, 'empty');
    await mkdir(join(empty, 'nothing'), { recursive: true });
    await writeFile(join(empty, 'zero'), '');
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => createTorrent(join(dir, 'missing')), 'not-found', /does not exist/],
      [() => createTorrent(empty), 'invalid-input', /holds no data/],
      [() => createTorrent(empty, { pieceLength: 1000 }), 'invalid-input', /power of two from 16384/],
      [() => createTorrent(empty, { pieceLength: 2 ** 30 }), 'invalid-input', /power of two/],
      [() => createTorrent(empty, { trackers: [['not a url']] }), 'invalid-input', /tracker 'not a url' is not a URL/],
      [() => createTorrent(empty, { webSeeds: ['::'] }), 'invalid-input', /web seed '::' is not a URL/],
    ];
    for (const [create, code, message] of cases) {
      const err = await create().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ShoalError);
      expect((err as ShoalError).code).toBe(code);
      expect((err as ShoalError).message).toMatch(message);
    }
  });
});

describe('autoPieceLength', () => {
  it('aims at 1,000 to 2,000 pieces with a power of two from 16 KiB to 16 MiB', () => {
    expect(autoPieceLength(1)).toBe(16_384);
    expect(autoPieceLength(2 ** 30)).toBe(2 ** 20);
    expect(autoPieceLength(2 ** 50)).toBe(2 ** 24);
    for (const total of [40e6, 123_456_789, 5_490_455_272, 2 ** 33 + 1]) {
      const length = autoPieceLength(total);
      const pieces = Math.ceil(total / length);
      expect(pieces).toBeGreaterThan(1000);
      expect(pieces).toBeLessThanOrEqual(2000);
      expect(Math.log2(length) % 1).toBe(0);
    }
  });
});
