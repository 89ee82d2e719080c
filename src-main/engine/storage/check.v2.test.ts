import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildV2Torrent } from '../../testing/v2-torrent';
import { bencode } from '../bencode';
import { parseTorrent } from '../metainfo/parse-torrent';
import { Storage } from './storage';
import { writeBlock } from '../../testing/write-block';

// Recheck and writes of v2 and hybrid torrents go by the files' Merkle trees (BEP 52).

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shoal-check-v2-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const pieceLength = 32 * 1024;
const fill = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * seed + (i >> 8)) & 0xff);
const files = [
  { path: ['a.bin'], data: fill(3 * pieceLength + 1000, 7) },
  { path: ['b.txt'], data: fill(5000, 11) },
  { path: ['c.bin'], data: fill(2 * pieceLength, 13) },
];

function torrent(hybrid: boolean) {
  const parts = buildV2Torrent({ name: 'set', pieceLength, files, hybrid });
  return parseTorrent(bencode({ info: parts.info, 'piece layers': parts.pieceLayers }));
}

async function writeFiles(): Promise<void> {
  await fs.mkdir(path.join(dir, 'set'));
  for (const f of files) await fs.writeFile(path.join(dir, 'set', ...f.path), f.data);
}

const bits = (have: { size: number; has(i: number): boolean }) => [...Array(have.size).keys()].filter((i) => have.has(i));

describe('v2 recheck by Merkle trees', () => {
  for (const hybrid of [false, true]) {
    it(`${hybrid ? 'hybrid' : 'v2-only'}: finds every piece, and loses exactly the piece of a changed byte`, async () => {
      const metainfo = torrent(hybrid);
      expect(metainfo.version).toBe(hybrid ? 'hybrid' : 'v2');
      await writeFiles();
      const storage = Storage.open(metainfo, dir);
      expect(bits(await storage.check())).toEqual([0, 1, 2, 3, 4, 5, 6]);
      // One byte of a.bin's last (short) piece, one of b.txt (smaller than a piece).
      const a = await fs.open(path.join(dir, 'set', 'a.bin'), 'r+');
      await a.write(Buffer.from([0xee]), 0, 1, 3 * pieceLength + 10);
      await a.close();
      const b = await fs.open(path.join(dir, 'set', 'b.txt'), 'r+');
      await b.write(Buffer.from([0xee]), 0, 1, 4000);
      await b.close();
      expect(bits(await storage.check())).toEqual([0, 1, 2, 5, 6]);
      await storage.close();
    });
  }

  it('files of one length give pad files of one name, and the torrent opens and checks', async () => {
    const same = ['x', 'y', 'z'].map((name, i) => ({ path: [name], data: fill(1000, 3 + i) }));
    for (const hybrid of [false, true]) {
      const parts = buildV2Torrent({ name: 'pads', pieceLength, files: same, hybrid });
      const metainfo = parseTorrent(bencode({ info: parts.info, 'piece layers': parts.pieceLayers }));
      expect(metainfo.files.filter((f) => f.pad).map((f) => f.path.join('/'))).toEqual(hybrid ? ['.pad/31768', '.pad/31768', '.pad/31768'] : ['.pad/31768', '.pad/31768']);
      await fs.mkdir(path.join(dir, 'pads'), { recursive: true });
      for (const f of same) await fs.writeFile(path.join(dir, 'pads', ...f.path), f.data);
      const storage = Storage.open(metainfo, dir);
      expect(bits(await storage.check())).toEqual([0, 1, 2]);
      await storage.close();
    }
  });

  it('v2-only: blocks written in any order verify their piece, and a wrong block fails it', async () => {
    const metainfo = torrent(false);
    const storage = Storage.open(metainfo, dir);
    const a = files[0]!.data;
    const blocks = [1, 0].map((b) => ({ begin: b * 16_384, data: a.subarray(b * 16_384, (b + 1) * 16_384) }));
    expect(await writeBlock(storage, 0, blocks[0]!.begin, blocks[0]!.data)).toBe('stored');
    expect(await writeBlock(storage, 0, blocks[1]!.begin, blocks[1]!.data)).toBe('verified');
    const bad = Uint8Array.from(a.subarray(pieceLength, pieceLength + 16_384));
    bad[5]! ^= 1;
    expect(await writeBlock(storage, 1, 0, bad)).toBe('stored');
    expect(await writeBlock(storage, 1, 16_384, a.subarray(pieceLength + 16_384, 2 * pieceLength))).toBe('failed');
    // b.txt's one piece, checked against the file's root: its pad bytes after it are not the file's.
    const first = new Uint8Array(16_384);
    first.set(files[1]!.data);
    expect(await writeBlock(storage, 4, 16_384, new Uint8Array(16_384).fill(9))).toBe('stored');
    expect(await writeBlock(storage, 4, 0, first)).toBe('verified');
    await storage.close();
  });
});
