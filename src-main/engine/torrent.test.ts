import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/processes';
import { buildTorrent } from '../testing/build-torrent';
import type { SwarmPeer } from './swarm/swarm-peer';
import { quietTorrent } from '../testing/quiet-torrent';
import type { Torrent } from './torrent';
import { writeBlock } from '../testing/write-block';

let dir: { path: string; remove(): Promise<void> };
const open: Torrent[] = [];
beforeEach(async () => {
  dir = await tempDir('torrent');
});
afterEach(async () => {
  for (const t of open.splice(0)) await t.remove(false);
  await dir.remove();
});

/** Three files of ten 16 KiB pieces each, so file edges are pieces 0, 9, 10, 19, 20 and 29. */
function make(): Torrent {
  const { metainfo } = buildTorrent({
    name: 'three',
    pieceLength: 16384,
    files: [
      { path: ['a'], length: 10 * 16384 },
      { path: ['b'], length: 10 * 16384 },
      { path: ['c'], length: 10 * 16384 },
    ],
  });
  const torrent = quietTorrent(metainfo, dir.path);
  open.push(torrent);
  return torrent;
}

/** The picker keys peers by identity only; the swarm's peer object is not needed to pick for one. */
const seed = { key: 'seed' } as unknown as SwarmPeer;

/** The pieces the torrent's picker asks a seed for, in order (one block per piece here). */
function picks(torrent: Torrent, count: number): number[] {
  torrent.picker.peerHaveAll(seed);
  return torrent.picker.pick(seed, count).map((r) => r.index);
}

describe('Torrent.setOptions drives the picker', () => {
  it('sequential: pieces in index order', () => {
    const torrent = make();
    torrent.setOptions({ sequential: true });
    expect(picks(torrent, 12)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(torrent.options.sequential).toBe(true);
  });

  it('first and last pieces of every file come before the rest', () => {
    const torrent = make();
    torrent.setOptions({ sequential: true, firstLastPiecesFirst: true });
    expect(picks(torrent, 8)).toEqual([0, 9, 10, 19, 20, 29, 1, 2]);
  });

  it('turning first-and-last off again returns to plain order; other changes keep both', () => {
    const torrent = make();
    torrent.setOptions({ sequential: true, firstLastPiecesFirst: true });
    torrent.setOptions({ speedLimit: { down: 1000, up: 0 } });
    expect(torrent.options).toMatchObject({ sequential: true, firstLastPiecesFirst: true });
    torrent.setOptions({ firstLastPiecesFirst: false });
    expect(picks(torrent, 4)).toEqual([0, 1, 2, 3]);
  });

  it('skipped files: their pieces are not picked and storage is told before anything is written', async () => {
    const torrent = make();
    torrent.setOptions({ sequential: true });
    torrent.setFilePriorities([{ index: 0, priority: 'skip' }]);
    expect(picks(torrent, 3)).toEqual([10, 11, 12]);
    expect(() => torrent.setFilePriorities([{ index: 1, priority: 'skip' }, { index: 3, priority: 'skip' }])).toThrow(/no file 4/);
    expect(torrent.filePriorities).toEqual(['skip', 'normal', 'normal']);
    // A late block of a piece wholly inside the skipped file (requested before the skip).
    expect(await writeBlock(torrent.storage, 9, 0, new Uint8Array(16384))).toBe('failed');
    expect(existsSync(torrent.storage.filePaths[0]!)).toBe(false);
  });

  it('removing with its files removes the parts file too', async () => {
    const torrent = make();
    open.splice(open.indexOf(torrent), 1);
    torrent.setFilePriorities([{ index: 0, priority: 'skip' }]);
    await writeBlock(torrent.storage, 9, 0, new Uint8Array(16384));
    expect(existsSync(torrent.storage.partsPath)).toBe(true);
    await torrent.remove(true);
    expect(existsSync(torrent.storage.partsPath)).toBe(false);
  });
});
