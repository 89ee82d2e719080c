import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShoalError } from '../../../src-shared/errors';
import type { SourceFile } from './file-list';
import { leafHashes, pieceLayerFromLeaves, pieceRoot, rootFromLeaves } from '../merkle';
import { hashOnWorkers } from './hash-workers';
import { hashFileTrees, hashPieces } from './piece-hasher';
import type { HashJob } from './piece-hash-worker';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-hasher-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectedHashes(stream: Buffer, pieceLength: number): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at < stream.length; at += pieceLength) out.push(createHash('sha1').update(stream.subarray(at, at + pieceLength)).digest());
  return Buffer.concat(out);
}

async function source(name: string, data: Buffer): Promise<SourceFile> {
  const absolute = join(dir, name);
  await writeFile(absolute, data);
  return { path: [name], absolute, length: data.length };
}

describe('hashPieces', () => {
  it('splits work into jobs across threads and puts every hash in its place', { timeout: 30_000 }, async () => {
    // Over 16 MiB of 16 KiB pieces: several jobs, pieces and jobs crossing file boundaries.
    const parts = [randomBytes(9 * 2 ** 20 + 123), Buffer.alloc(0), randomBytes(7), randomBytes(12 * 2 ** 20 + 5)];
    const files = await Promise.all(parts.map((p, i) => source(`part-${i}`, p)));
    const progress: number[] = [];
    const hashes = await hashPieces(files, 16_384, { onProgress: (done) => progress.push(done) });
    expect(Buffer.from(hashes).equals(expectedHashes(Buffer.concat(parts), 16_384))).toBe(true);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(Buffer.concat(parts).length);
  });

  it('leaves no file descriptor open', { timeout: 30_000 }, async () => {
    const files = [await source('fd-a', randomBytes(100_000)), await source('fd-b', randomBytes(50_000))];
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 3; i++) await hashPieces(files, 16_384);
    expect(readdirSync('/proc/self/fd').length).toBe(before);
  });

  it('refuses a file that became shorter than listed, naming it', { timeout: 30_000 }, async () => {
    const file = await source('short', randomBytes(1000));
    const err = await hashPieces([{ ...file, length: 5000 }], 16_384).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShoalError);
    expect((err as ShoalError).code).toBe('io');
    expect((err as ShoalError).message).toBe(`'${file.absolute}' became shorter while it was being hashed.`);
  });

  it('refuses a file that disappeared after listing', { timeout: 30_000 }, async () => {
    const gone = { path: ['gone'], absolute: join(dir, 'gone'), length: 10 };
    const err = await hashPieces([gone], 16_384).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShoalError);
    expect((err as ShoalError).code).toBe('not-found');
    expect((err as ShoalError).message).toBe(`${gone.absolute} does not exist. Check that it was not moved or renamed, and that its disk is connected.`);
  });

  it('stops and lets its workers go when aborted mid-way', { timeout: 30_000 }, async () => {
    const file = await source('abort', randomBytes(40 * 2 ** 20));
    const controller = new AbortController();
    const pending = hashPieces([file], 16_384, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(pending).rejects.toThrow(/abort/i);
  });
});

describe('hashFileTrees', () => {
  it('folds each file into its Merkle root and piece layer, and a hybrid padded stream into SHA-1s, across jobs and threads', { timeout: 60_000 }, async () => {
    // Over 16 MiB of 16 KiB pieces: several jobs; an empty file, small files and unaligned ends.
    const parts = [randomBytes(9 * 2 ** 20 + 123), Buffer.alloc(0), randomBytes(7), randomBytes(8 * 2 ** 20 + 5), randomBytes(16_384)];
    const files = await Promise.all(parts.map((p, i) => source(`tree-${i}`, p)));
    const pieceLength = 16_384;
    const progress: number[] = [];
    const v2 = await hashFileTrees(files, pieceLength, false, true, { onProgress: (done) => progress.push(done) });
    const hybrid = await hashFileTrees(files, pieceLength, true, true);
    parts.forEach((data, i) => {
      const leaves = leafHashes(data);
      const expected = v2.files[i]!;
      expect(expected.piecesRoot && Buffer.from(expected.piecesRoot).toString('hex')).toBe(data.length ? Buffer.from(rootFromLeaves(leaves)).toString('hex') : undefined);
      expect(expected.pieceLayer && Buffer.from(expected.pieceLayer).toString('hex')).toBe(
        data.length > pieceLength ? Buffer.from(pieceLayerFromLeaves(leaves, pieceLength)).toString('hex') : undefined,
      );
      expect(hybrid.files[i]).toEqual(expected);
    });
    expect(v2.pieces.length).toBe(0);
    // A hybrid's v1 stream: each file padded with zeros to a piece boundary.
    const padded = Buffer.concat(parts.flatMap((p) => [p, Buffer.alloc((pieceLength - (p.length % pieceLength)) % pieceLength)]));
    expect(Buffer.from(hybrid.pieces).equals(expectedHashes(padded, pieceLength))).toBe(true);
    expect(progress.at(-1)).toBe(parts.reduce((sum, p) => sum + p.length, 0));
  });

  it('does not pad a single file', { timeout: 30_000 }, async () => {
    const data = randomBytes(40_000);
    const hybrid = await hashFileTrees([await source('alone', data)], 32_768, true, false);
    expect(Buffer.from(hybrid.pieces).equals(expectedHashes(data, 32_768))).toBe(true);
  });
});

describe('hashOnWorkers', () => {
  it('hashes every piece of the given runs exactly once, over many small, empty and odd-sized files with pads between', { timeout: 60_000 }, async () => {
    const pieceLength = 32_768;
    // 300 small files (some empty, most off a piece boundary) and two of several MiB: many jobs.
    const parts = [randomBytes(5 * 2 ** 20 + 3), ...Array.from({ length: 300 }, (_, i) => randomBytes((i * 7919) % 70_000)), randomBytes(9 * 2 ** 20 - 1)];
    const sources = await Promise.all(parts.map((p, i) => source(`runs-${i}`, p)));
    // The piece layout a hybrid's v1 part gives them: each non-empty file starts a piece, zeros between.
    const files = sources.flatMap((f) => {
      const gap = (pieceLength - (f.length % pieceLength)) % pieceLength;
      return gap > 0 ? [f, { absolute: '.pad', length: gap, pad: true }] : [f];
    });
    const expectedNodes: Buffer[] = [];
    parts.forEach((data) => {
      const leaves = leafHashes(data);
      for (let at = 0; at < data.length; at += pieceLength) {
        const piece = leafHashes(data.subarray(at, at + pieceLength));
        expectedNodes.push(Buffer.from(data.length > pieceLength ? pieceRoot(piece, pieceLength) : rootFromLeaves(leaves)));
      }
    });
    const padded = Buffer.concat(parts.flatMap((p) => [p, Buffer.alloc((pieceLength - (p.length % pieceLength)) % pieceLength)]));
    const sha1s = expectedHashes(padded, pieceLength);
    const pieceCount = expectedNodes.length;
    expect(pieceCount).toBeGreaterThan(800);
    expect(sha1s.length).toBe(20 * pieceCount);
    // Runs with gaps, of one piece and of many, and the last piece.
    const runs: HashJob[] = [
      { first: 0, count: 1 },
      { first: 2, count: 700 },
      { first: 703, count: pieceCount - 703 - 1 },
      { first: pieceCount - 1, count: 1 },
    ];
    const seen = new Uint8Array(pieceCount);
    await hashOnWorkers({ files, pieceLength, layout: 'hybrid' }, runs, 0, {}, (result) => {
      for (let i = 0; i < result.nodes.length / 32; i++) {
        const piece = result.first + i;
        seen[piece]!++;
        expect(Buffer.from(result.nodes.subarray(32 * i, 32 * i + 32)).equals(expectedNodes[piece]!)).toBe(true);
        expect(Buffer.from(result.hashes.subarray(20 * i, 20 * i + 20)).equals(sha1s.subarray(20 * piece, 20 * piece + 20))).toBe(true);
      }
    });
    expect([...seen]).toEqual([...Array(pieceCount).keys()].map((p) => (p === 1 || p === 702 ? 0 : 1)));
  });
});
