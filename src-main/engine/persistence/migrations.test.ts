import { cp } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultTorrentOptions } from '../../../src-shared/contract/data';
import { tempDir } from '../../testing/processes';
import { migrateIndex, migrateTorrent } from './migrations';
import { SessionStore } from './session-store';

const v1Dir = fileURLToPath(new URL('./fixtures/v1/', import.meta.url));
const alice = '722fe65b2aa26d14f35b4ad627d20236e481d924';
let dir: { path: string; remove(): Promise<void> } | undefined;

afterEach(async () => {
  await dir?.remove();
  dir = undefined;
});

describe('migrations', () => {
  it('reads a version 1 state folder as the current version', async () => {
    dir = await tempDir('migrate');
    await cp(v1Dir, dir.path, { recursive: true });
    const loaded = await new SessionStore(dir.path).load();
    expect(loaded.problems).toEqual([]);
    expect(loaded.settings).toEqual({ downloadDir: '/home/reader/Downloads', listenPort: 51413, theme: 'dark' });
    expect(loaded.entries).toHaveLength(1);
    const entry = loaded.entries[0]!;
    if (entry.kind !== 'torrent') throw new Error('expected a torrent');
    expect(entry.metainfo.infoHashHex).toBe(alice);
    expect(entry.record).toEqual({
      version: 2,
      infoHash: alice,
      savePath: '/home/reader/Downloads',
      paused: true,
      priorities: ['normal'],
      options: defaultTorrentOptions,
      totals: { uploaded: 1234, downloaded: 5678, wasted: 0 },
      seedingSeconds: 0,
      addedAt: 1700000000000,
      completedAt: null,
      resume: { have: '4AA=', files: [{ size: 163783, mtimeMs: 1700000100000.5 }] },
    });
  });

  it('leaves resume data out when version 1 had none', () => {
    const migrated = migrateTorrent({
      version: 1, infoHash: alice, savePath: '/d', paused: false, priorities: [], uploaded: 0, downloaded: 0,
      addedAt: 1, completedAt: null, have: null, fileStamps: null,
    });
    expect(migrated).toMatchObject({ version: 2, resume: null });
  });

  it('refuses files without a version, from a newer Shoal, or damaged in an old shape', () => {
    expect(() => migrateIndex({ torrents: [] })).toThrow('it has no valid version number');
    expect(() => migrateIndex({ version: 99 })).toThrow('it was written by a newer Shoal (version 99)');
    expect(() => migrateIndex({ version: 1, settings: {}, torrents: 'nope' })).toThrow();
    expect(migrateIndex({ version: 1, settings: {}, torrents: [alice] })).toEqual({ version: 2, settings: {}, torrents: [{ kind: 'torrent', infoHash: alice }] });
  });
});
