import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../../testing/bundle';
import { bencode, type BEncodable } from '../bencode';
import { parseTorrent, torrentLimits } from './parse-torrent';

const multiFile = (files: readonly BEncodable[], pieceCount = 1) =>
  bencode({ info: { files, name: 'folder', 'piece length': 1 << 24, pieces: new Uint8Array(20 * pieceCount) } });

describe('parseTorrent: names and paths fit the file system', () => {
  it('keeps every name within 255 bytes, the " (n)" of a repeated name included', () => {
    const long = `${'é'.repeat(150)}.mkv`;
    const m = parseTorrent(multiFile([1, 2, 3].map((length) => ({ length, path: [long] }))));
    const names = m.files.map((f) => f.path.at(-1)!);
    for (const name of names) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(new Set(names).size).toBe(3);
    expect(names[1]).toMatch(/é \(1\)\.mkv$/);
    expect(names[2]).toMatch(/é \(2\)\.mkv$/);
  });

  it('keeps a renamed folder within 255 bytes too', () => {
    const long = 'd'.repeat(255);
    const m = parseTorrent(multiFile([{ length: 1, path: [long] }, { length: 1, path: [long, 'inside'] }]));
    expect(m.files[1]!.path[0]).toMatch(/^d+ \(1\)$/);
    expect(Buffer.byteLength(m.files[1]!.path[0]!)).toBe(255);
  });

  it('refuses a path longer than a file system allows, saying which file and how long', () => {
    const deep = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(250, 'x'));
    expect(() => parseTorrent(multiFile([{ length: 1, path: ['ok'] }, { length: 1, path: deep }]))).toThrow(
      /^Invalid torrent: file 2's path is 5,\d{3} bytes long, more than the 3,840 bytes a file system leaves for a torrent's paths \(4,096 with the save folder\)\.$/,
    );
  });
});

// The parser's stated bounds (torrentLimits): decoding stays near 150 MB; the whole parse, the
// decoded tree and the Metainfo built from it together, within 256 MiB at the most values allowed.
const decodeBudgetMb = 150;
const parseBudgetMb = 256;

describe('parseTorrent: hostile shapes stay within the stated memory bound', () => {
  let dir: string;
  let script: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-parse-limits-'));
    script = join(dir, 'parse.mjs');
    await bundleForNode(
      {
        contents: `import { parentPort, workerData } from 'node:worker_threads';
          import { parseTorrent } from ${JSON.stringify(new URL('./parse-torrent.ts', import.meta.url).pathname)};
          const started = performance.now();
          let outcome;
          try { outcome = { files: parseTorrent(workerData).files.length }; } catch (e) { outcome = { error: e.message }; }
          parentPort.postMessage({ ...outcome, ms: performance.now() - started });`,
        resolveDir: dir,
      },
      script,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Parses in a worker whose heap cannot grow past the budget (running out kills the worker and fails the test). */
  function parseInWorker(bytes: Uint8Array, heapMb: number): Promise<{ files?: number; error?: string; ms: number }> {
    const worker = new Worker(script, { workerData: bytes, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    return new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }).finally(() => worker.terminate()) as Promise<{ files?: number; error?: string; ms: number }>;
  }

  it('a 3 MB torrent with a million path components is refused quickly', async () => {
    const bytes = multiFile([{ length: 1, path: Array.from({ length: torrentLimits.maxValues - 100 }, () => 'a') }]);
    expect(bytes.length).toBeGreaterThan(2_900_000);
    const outcome = await parseInWorker(bytes, decodeBudgetMb);
    expect(outcome.error).toMatch(/^Invalid torrent: file 1's path is /);
    // Room for a busy machine: before the fix this ran out of its heap after 10 s.
    expect(outcome.ms).toBeLessThan(5000);
  }, 30_000);

  it('15,000 files 60 folders deep load within the bound', async () => {
    const folders = Array.from({ length: 59 }, (_, k) => `folder ${k}`);
    const bytes = multiFile(Array.from({ length: 15_000 }, (_, i) => ({ length: 1, path: [...folders, `file ${i}`] })));
    const outcome = await parseInWorker(bytes, decodeBudgetMb);
    expect(outcome).toMatchObject({ files: 15_000 });
    expect(outcome.ms).toBeLessThan(5000);
  }, 30_000);

  it('a million tiny values (the most the decoder allows) stay within the bound', async () => {
    // Four values a file: its dictionary, length, path list and name.
    const count = Math.floor((torrentLimits.maxValues - 100) / 4);
    const outcome = await parseInWorker(multiFile(Array.from({ length: count }, () => ({ length: 1, path: ['a'] }))), parseBudgetMb);
    expect(outcome).toMatchObject({ files: count });
  }, 30_000);
});
