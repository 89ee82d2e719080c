// `shoal download --skip` against a real aria2c seeder on 127.0.0.1: skipped files never reach the
// disk, wanted files match the seeder's byte for byte, pieces shared across the boundary verify.
import { existsSync } from 'node:fs';
import { cp, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Metainfo } from '../engine/metainfo/metainfo';
import { parseTorrent } from '../engine/metainfo/parse-torrent';
import { mktorrent, startAria2Seeder, startOpentracker, type Peer, type Tracker } from '../testing/clients';
import { freePort, stopAll, tempDir } from '../testing/processes';
import { exitOf, startShoal, writePayload } from '../testing/shoal-cli';

const FIXTURES = new URL('../../../shared/fixtures/content/', import.meta.url);

interface Case {
  readonly dataDir: string;
  readonly torrent: string;
  readonly metainfo: Metainfo;
}

let work: { path: string; remove(): Promise<void> };
let tracker: Tracker;
const cases = new Map<string, Case>();
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  work = await tempDir('skip-interop');
  const port = await freePort();
  const announce = [`http://127.0.0.1:${port}/announce`];
  // The fixture's six files of 1–3 bytes all lie in one 32 KiB piece (mktorrent's smallest): every skipped byte shares
  // a piece with wanted ones. The fixture's own .torrent names public trackers, so the same
  // content gets a torrent announcing to the local tracker.
  const numbers = join(work.path, 'data-numbers');
  await cp(new URL('lots-of-numbers', FIXTURES), join(numbers, 'lots-of-numbers'), { recursive: true });
  // Larger files, so a skipped file covers whole pieces and shares its first and last piece.
  const spans = join(work.path, 'data-spans');
  await writePayload(spans, { 'spans/a.bin': 100_000, 'spans/b.bin': 300_000, 'spans/c.bin': 50_000, 'spans/d.txt': 777 });
  for (const [name, dataDir] of [['lots-of-numbers', numbers], ['spans', spans]] as const) {
    const torrent = await mktorrent(join(dataDir, name), join(work.path, `${name}.torrent`), { announce, pieceLengthLog2: 15 });
    cases.set(name, { dataDir, torrent, metainfo: parseTorrent(await readFile(torrent)) });
  }
  tracker = await startOpentracker([...cases.values()].map((c) => c.metainfo.infoHashHex), port);
}, 60_000);

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

afterAll(async () => {
  await tracker?.stop();
  await stopAll();
  await work?.remove();
});

/** 1-based numbers (as `shoal info` prints them) of the files whose path ends with one of `names`. */
function numbersOf(m: Metainfo, names: readonly string[]): number[] {
  const found = m.files.flatMap((f, i) => (names.includes(f.path.join('/')) ? [i + 1] : []));
  expect(found).toHaveLength(names.length);
  return found;
}

/** Downloads `name` with `skip` skipped; checks exit 0, skipped files absent, wanted ones identical. */
async function downloadSkipping(name: string, skip: readonly string[]): Promise<string> {
  const c = cases.get(name)!;
  const seeder: Peer = await startAria2Seeder(c.torrent, c.dataDir);
  cleanups.push(() => seeder.stop());
  const out = await tempDir('skip-out');
  cleanups.push(() => out.remove());
  const proc = startShoal(['download', c.torrent, '-o', out.path, '--skip', numbersOf(c.metainfo, skip).join(','), '--json']);
  cleanups.push(() => proc.stop());
  const code = await exitOf(proc, 60_000);
  expect(code, `${proc.output()}\n--- aria2c:\n${seeder.process.output().slice(-1500)}`).toBe(0);

  for (const file of c.metainfo.files) {
    const rel = file.path.join('/');
    const got = join(out.path, name, ...file.path);
    if (skip.includes(rel)) {
      expect(existsSync(got), `${rel} is skipped and must not exist`).toBe(false);
    } else {
      expect((await readFile(got)).equals(await readFile(join(c.dataDir, name, ...file.path))), `${rel} differs from the seeder's`).toBe(true);
    }
  }
  return out.path;
}

describe('shoal download --skip from an aria2c seeder', () => {
  it('leaves out files that share their only piece with wanted files', async () => {
    const out = await downloadSkipping('lots-of-numbers', ['big numbers/11.txt', 'big numbers/12.txt']);
    // Their bytes went to the hidden parts file in the save folder, nowhere else.
    const entries = await readdir(out);
    const parts = entries.filter((e) => e.endsWith('.parts'));
    expect(parts).toEqual([`.${cases.get('lots-of-numbers')!.metainfo.infoHashHex}.parts`]);
    expect(entries.filter((e) => e !== 'lots-of-numbers' && !parts.includes(e))).toEqual([]);
  }, 90_000);

  it('never writes a skipped file spanning many pieces; its edge pieces still verify', async () => {
    const out = await downloadSkipping('spans', ['b.bin']);
    // b's 300,000 bytes span 10 pieces; only its first and last are shared, so the parts file
    // holds two 32 KiB slots after its 4 KiB table, not b's bytes.
    const parts = join(out, `.${cases.get('spans')!.metainfo.infoHashHex}.parts`);
    expect((await stat(parts)).size).toBeLessThanOrEqual(4096 + 2 * 32768);
  }, 90_000);
});
