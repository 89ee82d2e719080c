import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTorrent } from '../testing/build-torrent';
import { tempDir } from '../testing/processes';
import { useQuietTorrents } from '../testing/quiet-torrent';
import { summary } from './torrent-views';

const PIECE = 16384;
let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir('views');
});
afterEach(async () => {
  await dir.remove();
});
const torrents = useQuietTorrents();

/** Files a (3 pieces), b (3 pieces) and c (2 pieces less 100 bytes); only a and c are on disk. */
async function withoutB() {
  const sizes = [3 * PIECE, 3 * PIECE, 2 * PIECE - 100];
  const { metainfo, content } = buildTorrent({ name: 'abc', pieceLength: PIECE, files: ['a', 'b', 'c'].map((name, i) => ({ path: [name], length: sizes[i]! })) });
  await mkdir(join(dir.path, 'abc'));
  await writeFile(join(dir.path, 'abc', 'a'), content.subarray(0, sizes[0]));
  await writeFile(join(dir.path, 'abc', 'c'), content.subarray(sizes[0]! + sizes[1]!));
  return { torrent: torrents.make(metainfo, dir.path), sizes };
}

describe('summary counts wanted bytes', () => {
  it('a torrent done with its wanted files shows 100% and the wanted size; the whole size stays beside it', async () => {
    const { torrent, sizes } = await withoutB();
    torrent.setFilePriorities([{ index: 1, priority: 'skip' }]);
    await torrent.start();
    const row = summary(torrent);
    expect(row.state).toBe('seeding');
    expect(row.progress).toBe(1);
    expect(row.wanted).toBe(sizes[0]! + sizes[2]!);
    expect(row.length).toBe(sizes[0]! + sizes[1]! + sizes[2]!);
    // Trackers still hear what is missing of the whole torrent (BEP 21: not a seed).
    expect(torrent.bytesLeft).toBe(sizes[1]);
  });

  it('wanting a skipped file again: progress is measured against it too, exactly to the short last piece', async () => {
    const { torrent, sizes } = await withoutB();
    torrent.setFilePriorities([{ index: 1, priority: 'skip' }]);
    await torrent.start();
    await torrent.setFilePriorities([{ index: 1, priority: 'normal' }, { index: 2, priority: 'skip' }]);
    const row = summary(torrent);
    expect(row.wanted).toBe(sizes[0]! + sizes[1]!);
    // Six pieces wanted (a and b), three of them done.
    expect(row.progress).toBe(0.5);
    await torrent.setFilePriorities([{ index: 2, priority: 'normal' }]);
    const whole = sizes[0]! + sizes[1]! + sizes[2]!;
    expect(summary(torrent).progress).toBeCloseTo((whole - sizes[1]!) / whole, 12);
  });
});
