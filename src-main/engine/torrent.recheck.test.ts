import { mkdir, open as openFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/processes';
import { buildTorrent } from '../testing/build-torrent';
import { quietTorrent } from '../testing/quiet-torrent';
import type { Torrent } from './torrent';

let dir: { path: string; remove(): Promise<void> };
const open: Torrent[] = [];
beforeEach(async () => {
  dir = await tempDir('recheck');
});
afterEach(async () => {
  for (const t of open.splice(0)) await t.remove(false);
  await dir.remove();
});

const PIECE = 16384;

/** Three files of four pieces each, all of them on disk. */
async function seeded(): Promise<Torrent> {
  const { metainfo, content } = buildTorrent({
    name: 'three',
    pieceLength: PIECE,
    files: ['a', 'b', 'c'].map((name) => ({ path: [name], length: 4 * PIECE })),
  });
  await mkdir(join(dir.path, 'three'));
  for (let i = 0; i < 3; i++) await writeFile(join(dir.path, 'three', 'abc'[i]!), content.subarray(i * 4 * PIECE, (i + 1) * 4 * PIECE));
  const torrent = quietTorrent(metainfo, dir.path);
  open.push(torrent);
  return torrent;
}

/** Overwrites a few bytes in the middle of piece 5 (file b's second piece), as a failing disk or another program might. */
async function corruptPiece5(): Promise<void> {
  const handle = await openFile(join(dir.path, 'three', 'b'), 'r+');
  await handle.write(Buffer.from('not the data'), 0, 12, PIECE + 100);
  await handle.close();
}

describe('Torrent.recheck', () => {
  it('a seed whose piece went bad on disk checks again, wants that piece and downloads', async () => {
    const torrent = await seeded();
    await torrent.start();
    expect(torrent.state).toBe('seeding');
    await corruptPiece5();
    const checking = torrent.recheck();
    expect(torrent.state).toBe('checking');
    await checking;
    expect(torrent.state).toBe('downloading');
    expect(torrent.checkProgress).toBe(1);
    expect(torrent.storage.have.has(5)).toBe(false);
    expect(torrent.storage.have.count).toBe(11);
    expect(torrent.picker.have.has(5)).toBe(false);
    expect(torrent.picker.wants(5)).toBe(true);
    expect(torrent.picker.wantedRemaining).toBe(1);
    expect(torrent.bytesLeft).toBe(PIECE);
    expect(torrent.isComplete).toBe(false);
  });

  it('a paused torrent stays paused, with what is on disk counted', async () => {
    const torrent = await seeded();
    await corruptPiece5();
    expect(torrent.state).toBe('paused');
    await torrent.recheck();
    expect(torrent.state).toBe('paused');
    expect(torrent.storage.have.count).toBe(11);
    expect(torrent.picker.wantedRemaining).toBe(1);
    // Started later, it trades from what the recheck found, without checking again.
    await torrent.start();
    expect(torrent.state).toBe('downloading');
  });

  it('paused during the recheck, it stays paused afterwards; a second recheck meanwhile is refused', async () => {
    const torrent = await seeded();
    await torrent.start();
    const checking = torrent.recheck();
    await torrent.pause();
    expect(torrent.paused).toBe(true);
    await expect(torrent.recheck()).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/still checking its data/) });
    await checking;
    expect(torrent.state).toBe('paused');
    expect(torrent.isComplete).toBe(true);
  });

  it('a missing file makes its pieces wanted again', async () => {
    const torrent = await seeded();
    await torrent.start();
    const { rm } = await import('node:fs/promises');
    await rm(join(dir.path, 'three', 'c'));
    await torrent.recheck();
    expect(torrent.state).toBe('downloading');
    expect([8, 9, 10, 11].map((i) => torrent.picker.wants(i))).toEqual([true, true, true, true]);
    expect(torrent.storage.have.count).toBe(8);
  });
});
