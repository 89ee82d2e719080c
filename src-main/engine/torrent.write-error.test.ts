import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor, tempDir } from '../testing/processes';
import { createTorrent } from './metainfo/create';
import { Session } from './session';

const PIECE = 32 * 1024;

let seedDir: { path: string; remove(): Promise<void> };
let leechDir: { path: string; remove(): Promise<void> };
let seeder: Session;
let leecher: Session;

beforeEach(async () => {
  seedDir = await tempDir('write-error-seed');
  leechDir = await tempDir('write-error-leech');
  seeder = await Session.start({ downloadDir: seedDir.path, listenPort: 0, listenHost: '127.0.0.1' });
  leecher = await Session.start({ downloadDir: leechDir.path, listenPort: 0, listenHost: '127.0.0.1' });
});

afterEach(async () => {
  await leecher.close();
  await seeder.close();
  await leechDir.remove();
  await seedDir.remove();
});

describe('a write error in the middle of a piece', () => {
  it('once cleared and resumed, the pieces whose writes failed are asked for again and the download completes', async () => {
    // 'a' ends half-way through piece 1, so that piece's first block lands in 'a' and its
    // second in 'sub/b', whose folder is blocked by a file: a write that fails mid-piece.
    const a = randomBytes(PIECE + PIECE / 2);
    const b = randomBytes(2 * PIECE + PIECE / 2);
    await mkdir(join(seedDir.path, 'multi', 'sub'), { recursive: true });
    await writeFile(join(seedDir.path, 'multi', 'a'), a);
    await writeFile(join(seedDir.path, 'multi', 'sub', 'b'), b);
    const data = await createTorrent(join(seedDir.path, 'multi'), { pieceLength: PIECE, creationDate: null });
    const { infoHash } = await seeder.addTorrent({ source: { kind: 'torrent', data } });
    await waitFor('the seeder to check its data', () => (seeder.torrent(infoHash)?.state === 'seeding' ? true : undefined), 10_000, 20);

    await leecher.addTorrent({ source: { kind: 'torrent', data } });
    // Blocked only once the data was checked, so the error comes from a write.
    await waitFor('the leecher to check its data', () => (leecher.torrent(infoHash)?.state === 'downloading' ? true : undefined), 10_000, 20);
    await mkdir(join(leechDir.path, 'multi'), { recursive: true });
    await writeFile(join(leechDir.path, 'multi', 'sub'), 'a file where a folder should be');
    leecher.torrent(infoHash)!.addPeers([{ host: '127.0.0.1', port: seeder.listenPort }], 'magnet');
    await waitFor('the write error', () => (leecher.torrent(infoHash)?.state === 'error' ? true : undefined), 15_000, 20);
    const torrent = leecher.torrent(infoHash)!;
    expect(torrent.storage.have.has(1)).toBe(false);

    await rm(join(leechDir.path, 'multi', 'sub'));
    await leecher.resume({ infoHashes: [infoHash] });
    // The seeder is dialled again once the registry's back-off after our own disconnect (15 s) ends.
    await waitFor('the download to complete', () => (torrent.state === 'seeding' ? true : undefined), 45_000, 50);
    expect(torrent.storage.have.complete).toBe(true);
    expect(await readFile(join(leechDir.path, 'multi', 'a'))).toEqual(a);
    expect(await readFile(join(leechDir.path, 'multi', 'sub', 'b'))).toEqual(b);
  }, 90_000);
});
