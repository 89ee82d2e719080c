import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metainfo } from '../metainfo/metainfo';
import { checkPieces } from './check';
import { Storage } from './storage';
import { writeBlock } from '../../testing/write-block';

/**
 * Not a timed assertion: writes and verifies 256 MiB in 16 KiB blocks and rechecks it, asserting
 * correctness at that scale and printing the rates (the figures for the storage report).
 */
const MiB = 1024 * 1024;
const total = 256 * MiB;
const pieceLength = MiB;
const block = 16 * 1024;
const pieceCount = total / pieceLength;

// Pieces differ by a stamp in their first bytes; the rest repeats one random MiB, so the test
// holds one piece of content in memory, not 256 MiB.
const pattern = randomBytes(pieceLength);
function pieceData(piece: number): Buffer {
  const data = Buffer.from(pattern);
  data.writeUInt32BE(piece, 0);
  return data;
}

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shoal-throughput-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('storage throughput (256 MiB, 16 KiB blocks)', () => {
  const hashes = new Uint8Array(pieceCount * 20);
  for (let i = 0; i < pieceCount; i++) hashes.set(createHash('sha1').update(pieceData(i)).digest(), i * 20);
  const files = [
    { path: ['part1.bin'], length: 100 * MiB + 12345, offset: 0, pad: false },
    { path: ['part2.bin'], length: total - (100 * MiB + 12345), offset: 100 * MiB + 12345, pad: false },
  ];
  const metainfo: Metainfo = {
    version: 'v1',
    infoHash: new Uint8Array(20),
    infoHashHex: '0'.repeat(40),
    infoBytes: new Uint8Array(0),
    name: 'throughput',
    pieceLength,
    pieceCount,
    lastPieceLength: pieceLength,
    length: total,
    pieceHashes: hashes,
    files,
    multiFile: true,
    trackers: [],
    urlList: [],
    private: false,
  };

  it('writes and verifies every piece, then rechecks it all', { timeout: 120_000 }, async () => {
    const storage = Storage.open(metainfo, dir);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    let verified = 0;
    // Eight pieces in flight at a time, their blocks interleaved, as a swarm delivers them.
    const inFlight = 8;
    for (let first = 0; first < pieceCount; first += inFlight) {
      const pieces = Array.from({ length: Math.min(inFlight, pieceCount - first) }, (_, k) => first + k);
      const data = pieces.map(pieceData);
      const writes: Promise<string>[] = [];
      for (let begin = 0; begin < pieceLength; begin += block) {
        pieces.forEach((piece, k) => writes.push(writeBlock(storage, piece, begin, data[k]!.subarray(begin, begin + block))));
      }
      for (const outcome of await Promise.all(writes)) if (outcome === 'verified') verified++;
    }
    const writeSeconds = (performance.now() - started) / 1000;
    // CPU seconds of this process (hashing, syscalls, JS); unlike wall time, other load barely moves it.
    const cpu = process.cpuUsage(cpuBefore);
    const writeCpuSeconds = (cpu.user + cpu.system) / 1e6;
    const rssGrowth = (process.memoryUsage().rss - rssBefore) / MiB;
    await storage.close();
    expect(verified).toBe(pieceCount);

    const checkStarted = performance.now();
    const have = await checkPieces(metainfo, dir);
    const checkSeconds = (performance.now() - checkStarted) / 1000;
    expect(have.complete).toBe(true);

    console.log(
      `storage: write+verify 256 MiB in 16 KiB blocks: ${(256 / writeSeconds).toFixed(0)} MiB/s wall, ` +
        `${(256 / writeCpuSeconds).toFixed(0)} MiB per CPU-second ` +
        `(RSS growth ${rssGrowth.toFixed(0)} MiB); check: ${(256 / checkSeconds).toFixed(0)} MiB/s`,
    );
  });
});
