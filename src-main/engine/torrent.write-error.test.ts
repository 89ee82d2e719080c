import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../testing/processes';
import { useTestSessions } from '../testing/test-sessions';

const PIECE = 32 * 1024;

const sessions = useTestSessions('write-error');

describe('a write error in the middle of a piece', () => {
  it('once cleared and resumed, the pieces whose writes failed are asked for again and the download completes', async () => {
    // 'a' ends half-way through piece 1, so that piece's first block lands in 'a' and its
    // second in 'sub/b', whose folder is blocked by a file: a write that fails mid-piece.
    const a = randomBytes(PIECE + PIECE / 2);
    const b = randomBytes(2 * PIECE + PIECE / 2);
    // Blocked only once the leecher checked its data, so the error comes from a write.
    const { seeder, leecher, infoHash } = await sessions.seedAndLeech({ folder: 'multi', files: { a, 'sub/b': b }, pieceLength: PIECE });
    const leechDir = join(sessions.dir, 'leech');
    await mkdir(join(leechDir, 'multi'), { recursive: true });
    await writeFile(join(leechDir, 'multi', 'sub'), 'a file where a folder should be');
    leecher.torrent(infoHash)!.addPeers([{ host: '127.0.0.1', port: seeder.listenPort }], 'magnet');
    await waitFor('the write error', () => (leecher.torrent(infoHash)?.state === 'error' ? true : undefined), 15_000, 20);
    const torrent = leecher.torrent(infoHash)!;
    expect(torrent.storage.have.has(1)).toBe(false);

    await rm(join(leechDir, 'multi', 'sub'));
    await leecher.resume({ infoHashes: [infoHash] });
    // The seeder is dialled again once the registry's back-off after our own disconnect (15 s) ends.
    await waitFor('the download to complete', () => (torrent.state === 'seeding' ? true : undefined), 45_000, 50);
    expect(torrent.storage.have.complete).toBe(true);
    expect(await readFile(join(leechDir, 'multi', 'a'))).toEqual(a);
    expect(await readFile(join(leechDir, 'multi', 'sub', 'b'))).toEqual(b);
  }, 90_000);
});
