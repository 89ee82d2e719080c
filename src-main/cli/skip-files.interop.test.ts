// `shoal download --skip` against a real aria2c seeder on 127.0.0.1: skipped files never reach the
// disk, wanted files match the seeder's byte for byte, pieces shared across the boundary verify.
import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Metainfo } from '../engine/metainfo/metainfo';
import { startAria2Seeder } from '../testing/clients';
import { useInteropLab } from '../testing/interop-lab';
import { exitOf, startShoal } from '../testing/shoal-cli';

const FIXTURES = new URL('../../../shared/fixtures/content/', import.meta.url);

// The fixture's six files of 1–3 bytes all lie in one 32 KiB piece (mktorrent's smallest): every
// skipped byte shares a piece with wanted ones. The fixture's own .torrent names public trackers,
// so the same content gets a torrent announcing to the local tracker. The larger files of 'spans'
// let a skipped file cover whole pieces and share its first and last piece.
const lab = useInteropLab('skip-interop', {
  'lots-of-numbers': { copyOf: fileURLToPath(new URL('lots-of-numbers', FIXTURES)), pieceLengthLog2: 15 },
  spans: { files: { 'spans/a.bin': 100_000, 'spans/b.bin': 300_000, 'spans/c.bin': 50_000, 'spans/d.txt': 777 }, pieceLengthLog2: 15 },
});

/** 1-based numbers (as `shoal info` prints them) of the files whose path ends with one of `names`. */
function numbersOf(m: Metainfo, names: readonly string[]): number[] {
  const found = m.files.flatMap((f, i) => (names.includes(f.path.join('/')) ? [i + 1] : []));
  expect(found).toHaveLength(names.length);
  return found;
}

/** Downloads `name` with `skip` skipped; checks exit 0, skipped files absent, wanted ones identical. */
async function downloadSkipping(name: string, skip: readonly string[]): Promise<string> {
  const c = lab.torrent(name);
  const seeder = lab.keep(await startAria2Seeder(c.torrent, c.dataDir));
  const out = await lab.scratch('skip-out');
  const proc = lab.keep(startShoal(['download', c.torrent, '-o', out, '--skip', numbersOf(c.metainfo, skip).join(','), '--json']));
  const code = await exitOf(proc, 60_000);
  expect(code, `${proc.output()}\n--- aria2c:\n${seeder.process.output().slice(-1500)}`).toBe(0);

  for (const file of c.metainfo.files) {
    const rel = file.path.join('/');
    const got = join(out, name, ...file.path);
    if (skip.includes(rel)) {
      expect(existsSync(got), `${rel} is skipped and must not exist`).toBe(false);
    } else {
      expect((await readFile(got)).equals(await readFile(join(c.dataDir, name, ...file.path))), `${rel} differs from the seeder's`).toBe(true);
    }
  }
  return out;
}

describe('shoal download --skip from an aria2c seeder', () => {
  it('leaves out files that share their only piece with wanted files', async () => {
    const out = await downloadSkipping('lots-of-numbers', ['big numbers/11.txt', 'big numbers/12.txt']);
    // Their bytes went to the hidden parts file in the save folder, nowhere else.
    const entries = await readdir(out);
    const parts = entries.filter((e) => e.endsWith('.parts'));
    expect(parts).toEqual([`.${lab.torrent('lots-of-numbers').metainfo.infoHashHex}.parts`]);
    expect(entries.filter((e) => e !== 'lots-of-numbers' && !parts.includes(e))).toEqual([]);
  }, 90_000);

  it('never writes a skipped file spanning many pieces; its edge pieces still verify', async () => {
    const out = await downloadSkipping('spans', ['b.bin']);
    // b's 300,000 bytes span 10 pieces; only its first and last are shared, so the parts file
    // holds two 32 KiB slots after its 4 KiB table, not b's bytes.
    const parts = join(out, `.${lab.torrent('spans').metainfo.infoHashHex}.parts`);
    expect((await stat(parts)).size).toBeLessThanOrEqual(4096 + 2 * 32768);
  }, 90_000);
});
