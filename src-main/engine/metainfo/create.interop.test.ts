// `createTorrent` against mktorrent, the reference for file order, with transmission-show as an
// independent reader of both results.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTorrent } from './create';
import { parseTorrent } from './parse-torrent';
import { contentDir } from '../../testing/shared-fixtures';

const run = promisify(execFile);
const toolTimeout = { timeout: 15_000, killSignal: 'SIGKILL' as const };

let dir: string;
let tree: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-create-interop-'));
  // Names whose order differs between per-component and whole-path sorting, plus hidden, empty,
  // non-ASCII and symlinked files.
  tree = join(dir, 'tree');
  for (const [p, size] of [['a/x', 70_000], ['a b', 3], ['a-b/z', 40_000], ['a.b/y', 5], ['B/q', 100_000], ['_z/w', 1], ['.hidden', 9], ['Zed', 0], ['é.txt', 33_000], ['e.txt', 7]] as const) {
    await mkdir(join(tree, p, '..'), { recursive: true });
    await writeFile(join(tree, p), Buffer.alloc(size, p));
  }
  await symlink('a b', join(tree, 'link'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Shown {
  hash: string;
  files: string[];
}

async function show(torrent: string): Promise<Shown> {
  const { stdout } = await run('transmission-show', [torrent], toolTimeout);
  const hash = /^\s*Hash: ([0-9a-f]{40})$/m.exec(stdout)?.[1];
  const files = stdout.split('\nFILES\n')[1]?.split('\n').map((l) => l.trim()).filter((l) => l !== '') ?? [];
  if (hash === undefined) throw new Error(`transmission-show printed no hash:\n${stdout}`);
  return { hash, files };
}

const cases: { what: string; path: () => string; log2: number; extra?: { private: true; source: string } }[] = [
  { what: 'alice.txt', path: () => join(contentDir, 'alice.txt'), log2: 15 },
  { what: 'the epub', path: () => join(contentDir, 'Leaves of Grass by Walt Whitman.epub'), log2: 16 },
  { what: 'folder/', path: () => join(contentDir, 'folder'), log2: 15 },
  { what: 'numbers/', path: () => join(contentDir, 'numbers'), log2: 17 },
  { what: 'lots-of-numbers/', path: () => join(contentDir, 'lots-of-numbers'), log2: 15 },
  { what: 'a tricky tree', path: () => tree, log2: 15 },
  { what: 'a tricky tree, private with a source', path: () => tree, log2: 16, extra: { private: true, source: 'SHOAL' } },
];

describe('createTorrent agrees with mktorrent', () => {
  cases.forEach(({ what, path, log2, extra }, index) => {
    it(`on ${what} with 2^${log2}-byte pieces`, { timeout: 30_000 }, async () => {
      const theirs = join(dir, `mktorrent-${index}.torrent`);
      const ours = join(dir, `shoal-${index}.torrent`);
      const flags = extra ? ['-p', '-s', extra.source] : [];
      await run('mktorrent', ['-t', '1', '-l', String(log2), ...flags, '-o', theirs, path()], toolTimeout);
      const bytes = await createTorrent(path(), { pieceLength: 2 ** log2, ...extra });
      await writeFile(ours, bytes);

      const [expected, actual] = await Promise.all([show(theirs), show(ours)]);
      expect(actual.hash).toBe(expected.hash);
      expect(parseTorrent(bytes).infoHashHex).toBe(expected.hash);
      expect(actual.files).toEqual(expected.files);
      expect(actual.files.length).toBeGreaterThan(0);
    });
  });
});
