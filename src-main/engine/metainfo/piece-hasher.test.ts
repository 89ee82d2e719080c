import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShoalError } from '../../../src-shared/errors';
import type { SourceFile } from './file-list';
import { hashPieces } from './piece-hasher';

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
