// Known vectors: python3-libtorrent's `pieces root` and `piece layers` for the same files.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafBytes, leafHashes, pieceLayerFromLeaves, rootFromLeaves, rootFromPieceLayer } from './index';

const run = promisify(execFile);

// Prints {file name: [pieces root hex, piece layer hex or null]} for a v2-only torrent of `dir`.
const script = `
import json, sys, libtorrent as lt
fs = lt.file_storage()
lt.add_files(fs, sys.argv[1])
ct = lt.create_torrent(fs, int(sys.argv[2]), flags=lt.create_torrent.v2_only)
lt.set_piece_hashes(ct, sys.argv[3])
e = ct.generate()
layers = e[b'piece layers']
out = {}
for name, node in e[b'info'][b'file tree'].items():
    f = node[b'']
    root = f.get(b'pieces root')
    out[name.decode()] = [root.hex() if root else None, layers[root].hex() if root in layers else None]
print(json.dumps(out))
`;

const sizes = [1, 1000, leafBytes, leafBytes + 1, 3 * leafBytes, 4 * leafBytes + 17, 9 * leafBytes, 33 * leafBytes - 1, 0];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-merkle-interop-'));
  await mkdir(join(dir, 'files'));
  for (const size of sizes) await writeFile(join(dir, 'files', `f${size}`), randomBytes(size));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pieces roots and piece layers agree with libtorrent', () => {
  it.each([16 * 1024, 32 * 1024, 64 * 1024])('with %i-byte pieces', { timeout: 30_000 }, async (pieceLength) => {
    const { stdout } = await run('/usr/bin/python3', ['-c', script, join(dir, 'files'), String(pieceLength), dir], {
      timeout: 20_000,
      killSignal: 'SIGKILL',
    });
    const theirs = JSON.parse(stdout) as Record<string, [string | null, string | null]>;
    expect(Object.keys(theirs).length).toBe(sizes.length);
    for (const size of sizes) {
      const leaves = leafHashes(await readFile(join(dir, 'files', `f${size}`)));
      const [root, layer] = theirs[`f${size}`]!;
      if (size === 0) {
        // An empty file has no root.
        expect(root).toBeNull();
        continue;
      }
      expect(Buffer.from(rootFromLeaves(leaves)).toString('hex'), `f${size}`).toBe(root);
      if (size > pieceLength) {
        const ours = pieceLayerFromLeaves(leaves, pieceLength);
        expect(Buffer.from(ours).toString('hex'), `f${size}`).toBe(layer);
        expect(Buffer.from(rootFromPieceLayer(ours, pieceLength)).toString('hex')).toBe(root);
      } else {
        expect(layer).toBeNull();
      }
    }
  });
});
