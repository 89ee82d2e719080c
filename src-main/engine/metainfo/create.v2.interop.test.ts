// v2 and hybrid torrents against python3-libtorrent 2.0: libtorrent reads the info-hashes of the
// torrents Shoal makes as Shoal does, makes byte-identical info dictionaries from the same files,
// and Shoal reads the torrents libtorrent makes with libtorrent's hashes and roots.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTorrent } from './create';
import { parseTorrent } from './parse-torrent';

const run = promisify(execFile);
const python = async (script: string, ...args: string[]): Promise<string> =>
  (await run('/usr/bin/python3', ['-c', script, ...args], { timeout: 30_000, killSignal: 'SIGKILL' })).stdout;

// Reads a .torrent: both info-hashes, and each file's path, size, pad flag and pieces root.
const readScript = `
import json, sys, libtorrent as lt
ti = lt.torrent_info(sys.argv[1])
fs = ti.files()
files = [[fs.file_path(i), fs.file_size(i), bool(fs.file_flags(i) & 1), fs.root(i).to_bytes().hex()] for i in range(fs.num_files())]
h = ti.info_hashes()
print(json.dumps({'v1': str(h.v1) if h.has_v1() else None, 'v2': str(h.v2) if h.has_v2() else None, 'files': files, 'pieces': ti.num_pieces()}))
`;

// Makes a .torrent of a file or folder: v2-only or hybrid.
const makeScript = `
import os, sys, libtorrent as lt
path, piece, kind, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
fs = lt.file_storage()
lt.add_files(fs, path)
ct = lt.create_torrent(fs, piece, flags=lt.create_torrent.v2_only if kind == 'v2' else 0)
lt.set_piece_hashes(ct, os.path.dirname(path))
open(out, 'wb').write(lt.bencode(ct.generate()))
`;

interface Read {
  v1: string | null;
  v2: string | null;
  files: [string, number, boolean, string][];
  pieces: number;
}

let dir: string;
let tree: string;
let single: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-create-v2-'));
  tree = join(dir, 'tree');
  // An empty file, files smaller than a piece, one of exactly a piece, several pieces unaligned,
  // names whose order differs between whole-path and per-folder sorting, and non-ASCII.
  const entries: [string, number][] = [
    ['a/x', 70_000], ['a b', 3], ['a-b/z', 40_000], ['a.b/y', 5], ['B/q', 100_000], ['empty', 0], ['é.txt', 33_000],
    ['exact', 32_768], ['z/last', 1],
  ];
  for (const [p, size] of entries) {
    await mkdir(join(tree, p, '..'), { recursive: true });
    await writeFile(join(tree, p), randomBytes(size));
  }
  single = join(dir, 'single.bin');
  await writeFile(single, randomBytes(200_000));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cases = [
  { what: 'a folder', path: () => tree, pieceLength: 32_768 },
  { what: 'a folder with 16 KiB pieces', path: () => tree, pieceLength: 16_384 },
  { what: 'a single file', path: () => single, pieceLength: 65_536 },
];

describe('shoal create --v2 / --hybrid and libtorrent agree', () => {
  for (const version of ['v2', 'hybrid'] as const) {
    for (const { what, path, pieceLength } of cases) {
      it(`${version}: ${what}, ${pieceLength}-byte pieces`, { timeout: 60_000 }, async () => {
        const ours = join(dir, `shoal-${version}-${pieceLength}-${what.length}.torrent`);
        const theirs = join(dir, `lt-${version}-${pieceLength}-${what.length}.torrent`);
        const bytes = await createTorrent(path(), { version, pieceLength, creationDate: null });
        await writeFile(ours, bytes);
        await python(makeScript, path(), String(pieceLength), version, theirs);

        const mine = parseTorrent(bytes);
        const readOurs = JSON.parse(await python(readScript, ours)) as Read;
        // libtorrent computes our info-hashes from our file.
        expect(readOurs.v2).toBe(Buffer.from(mine.infoHashV2!).toString('hex'));
        expect(readOurs.v1).toBe(version === 'hybrid' ? mine.infoHashHex : null);
        expect(readOurs.pieces).toBe(mine.pieceCount);

        // Shoal reads libtorrent's torrent with libtorrent's hashes, files and roots.
        const readTheirs = JSON.parse(await python(readScript, theirs)) as Read;
        const parsed = parseTorrent(await readFile(theirs));
        expect(parsed.version).toBe(version);
        expect(Buffer.from(parsed.infoHashV2!).toString('hex')).toBe(readTheirs.v2);
        if (version === 'hybrid') expect(parsed.infoHashHex).toBe(readTheirs.v1);
        else expect(parsed.infoHashHex).toBe(readTheirs.v2!.slice(0, 40));
        const prefix = parsed.multiFile ? `${parsed.name}/` : '';
        // libtorrent pads a v2-only torrent's last file too; Shoal leaves that pad out (nothing follows it).
        const theirFiles = version === 'v2' && readTheirs.files.at(-1)?.[2] ? readTheirs.files.slice(0, -1) : readTheirs.files;
        expect(parsed.files.map((f) => [prefix + f.path.join('/'), f.length, f.pad, Buffer.from(f.piecesRoot ?? new Uint8Array(32)).toString('hex')])).toEqual(
          theirFiles,
        );
        expect(parsed.pieceCount).toBe(readTheirs.pieces);

        // From the same files, the same info dictionary: the same info-hashes.
        expect(readOurs.v2).toBe(readTheirs.v2);
        expect(readOurs.v1).toBe(readTheirs.v1);
      });
    }
  }
});
