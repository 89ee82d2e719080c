import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload, Settings } from '../../src-shared/contract';
import { tempDir } from '../testing/processes';
import { readTorrent } from '../testing/shared-fixtures';
import { parseTorrentFrom } from './metainfo/load-torrent';
import { Session } from './session';
import { WatchFolder } from './watch-folder';

let dir: { path: string; remove(): Promise<void> };
let watchDir: string;
beforeEach(async () => {
  dir = await tempDir('watch');
  watchDir = join(dir.path, 'watch');
  await mkdir(watchDir);
});
afterEach(async () => {
  await dir.remove();
});

/** A folder watcher whose adds parse the file as the session does and remember the names. */
function watcher(settings: Pick<Settings, 'watchDir' | 'watchAfterAdd'>) {
  const added: string[] = [];
  const notices: EventPayload<'notice'>[] = [];
  const watch = new WatchFolder({
    settings: () => settings,
    add: async (data, fileName) => {
      const { name } = parseTorrentFrom(data, fileName);
      added.push(name);
      return { name };
    },
    notice: (n) => notices.push(n),
  });
  return { watch, added, notices };
}

const torrent = readTorrent('alice.torrent');

describe('WatchFolder', () => {
  it('adds a new .torrent once it has held still for a scan, then moves it to "done"', async () => {
    const { watch, added, notices } = watcher({ watchDir });
    await writeFile(join(watchDir, 'a.torrent'), torrent);
    await writeFile(join(watchDir, 'notes.txt'), 'not a torrent');
    expect(await watch.scan()).toEqual([]); // first sight: it may still be being written
    expect(await watch.scan()).toEqual(['a.torrent']);
    expect(added).toHaveLength(1);
    expect(notices).toEqual([]);
    expect((await readdir(watchDir)).sort()).toEqual(['done', 'notes.txt']);
    expect(await readdir(join(watchDir, 'done'))).toEqual(['a.torrent']);
  });

  it('deletes an added file when the setting says so', async () => {
    const { watch, added } = watcher({ watchDir, watchAfterAdd: 'delete' });
    await writeFile(join(watchDir, 'a.torrent'), torrent);
    await watch.scan();
    await watch.scan();
    expect(added).toHaveLength(1);
    expect(await readdir(watchDir)).toEqual([]);
  });

  it('reports a malformed .torrent once, leaves it, and tries it again only when it changes', async () => {
    const { watch, added, notices } = watcher({ watchDir });
    const bad = join(watchDir, 'bad.torrent');
    await writeFile(bad, 'd4:infoi1ee');
    for (let i = 0; i < 4; i++) await watch.scan();
    expect(notices).toHaveLength(1);
    expect(notices[0]!.kind).toBe('error');
    expect(notices[0]!.message).toContain("bad.torrent was not added and is left in");
    expect(await readdir(watchDir)).toEqual(['bad.torrent']);
    await writeFile(bad, torrent); // fixed by the user
    await watch.scan();
    expect(await watch.scan()).toEqual(['bad.torrent']);
    expect(added).toHaveLength(1);
  });

  it('does nothing without a watch folder', async () => {
    const { watch } = watcher({ watchDir: null });
    expect(await watch.scan()).toEqual([]);
  });
});

describe('Session watch folder', { timeout: 20_000 }, () => {
  it('adds a dropped .torrent through the session, and keeps the setting across a restart', async () => {
    const options = { downloadDir: join(dir.path, 'dl'), stateDir: join(dir.path, 'state'), listenPort: 0, listenHost: '127.0.0.1', listIntervalMs: 50 };
    const first = await Session.start(options);
    try {
      await first.setSettings({ watchDir: join(dir.path, 'new-watch'), watchAfterAdd: 'delete' });
      await first.save();
    } finally {
      await first.close();
    }
    const session = await Session.start(options);
    try {
      expect(await session.getSettings()).toMatchObject({ watchDir: join(dir.path, 'new-watch'), watchAfterAdd: 'delete' });
      await writeFile(join(dir.path, 'new-watch', 'x.torrent'), torrent);
      const { infoHashHex } = parseTorrentFrom(torrent, undefined);
      await expect.poll(() => session.torrent(infoHashHex) !== undefined, { timeout: 10_000 }).toBe(true);
      await expect.poll(() => readdir(join(dir.path, 'new-watch')), { timeout: 5_000 }).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('refuses the same folder for watching and incomplete downloads', async () => {
    const session = await Session.start({ downloadDir: join(dir.path, 'dl'), listenPort: 0, listenHost: '127.0.0.1' });
    try {
      const same = join(dir.path, 'same');
      await expect(session.setSettings({ watchDir: same, incompleteDir: same })).rejects.toThrow(/must differ/);
    } finally {
      await session.close();
    }
  });
});
