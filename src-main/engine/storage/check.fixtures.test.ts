import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTorrent } from '../metainfo/parse-torrent';
import { checkPieces } from './check';
import { Storage } from './storage';

// The shared fixtures sit beside the repository: <repo>/../shared/fixtures.
const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const contentDir = path.join(fixtures, 'content');

interface ManifestEntry {
  readonly file: string;
  readonly piece_count: number;
  readonly content: { readonly present: boolean; readonly bad_pieces?: readonly number[]; readonly content_name_alias?: string };
}

const manifest = (JSON.parse(readFileSync(path.join(fixtures, 'manifest.json'), 'utf8')) as { torrents: ManifestEntry[] }).torrents;

function load(entry: ManifestEntry) {
  // corrupt.torrent has no name; the manifest says which content it describes.
  return parseTorrent(readFileSync(path.join(fixtures, 'torrents', entry.file)), { fallbackName: entry.content.content_name_alias });
}

describe('checkPieces on the shared fixtures', () => {
  it('covers the torrents the acceptance names', () => {
    expect(manifest.map((t) => t.file)).toEqual(expect.arrayContaining(['alice.torrent', 'corrupt.torrent', 'bunny.torrent', 'sintel.torrent', 'numbers.torrent']));
  });

  for (const entry of manifest) {
    it(`${entry.file}: ${entry.content.present ? `bad pieces ${JSON.stringify(entry.content.bad_pieces ?? [])}` : 'content absent, all missing'}`, async () => {
      const metainfo = load(entry);
      let progressCalls = 0;
      let lastDone = 0;
      const have = await checkPieces(metainfo, contentDir, (done, total) => {
        progressCalls++;
        expect(done).toBe(lastDone + 1);
        expect(total).toBe(entry.piece_count);
        lastDone = done;
      });
      expect(have.size).toBe(entry.piece_count);
      expect(progressCalls).toBe(entry.piece_count);
      const expected = entry.content.present ? [...Array(entry.piece_count).keys()].filter((i) => !(entry.content.bad_pieces ?? []).includes(i)) : [];
      expect([...Array(have.size).keys()].filter((i) => have.has(i))).toEqual(expected);
    });
  }

  it('finds exactly pieces 10 and 20 of corrupt.torrent bad', async () => {
    const entry = manifest.find((t) => t.file === 'corrupt.torrent')!;
    const have = await checkPieces(load(entry), contentDir);
    expect(have.count).toBe(21);
    expect(have.has(10)).toBe(false);
    expect(have.has(20)).toBe(false);
  });

  it('serves verified fixture pieces through Storage without writing anything', async () => {
    const entry = manifest.find((t) => t.file === 'alice.torrent')!;
    const metainfo = load(entry);
    const storage = Storage.open(metainfo, contentDir);
    const have = await storage.check();
    expect(have.complete).toBe(true);
    const block = await storage.readBlock(9, 0, 16327);
    const alice = readFileSync(path.join(contentDir, 'alice.txt'));
    expect(Buffer.from(block).equals(alice.subarray(9 * 16384))).toBe(true);
    await storage.close();
  });
});
