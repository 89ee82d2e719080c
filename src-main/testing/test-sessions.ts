// Test support: Sessions for one test file, on loopback, each test in a fresh temporary folder;
// every Session a test started is closed after it, then the folder removed. Call
// `useTestSessions` at the top of the file. vitest runs `afterEach` hooks last registered first:
// call it after a file's own `afterEach` that stops what the sessions talk to (a tracker), so
// they close first, and before one that must run before they close (real timers back).
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import type { EventPayload, Settings } from '../../src-shared/contract';
import { createTorrent } from '../engine/metainfo/create';
import { Session } from '../engine/session';
import type { SessionOptions } from '../engine/session-settings';
import { tempDir } from './processes';
import { contentDir, readTorrent } from './shared-fixtures';

/** alice.torrent's info-hash (one file, alice.txt, 10 pieces). */
export const alice = '722fe65b2aa26d14f35b4ad627d20236e481d924';

export interface TestSessions {
  /** The current test's temporary folder. */
  readonly dir: string;
  /**
   * Starts a Session listening on 127.0.0.1 on a free port, downloading to `<dir>/dl` and saving
   * its state in `<dir>/state`; with a `name` (several sessions in one test), to `<dir>/<name>`
   * and `<dir>/<name>-state`. `options` win over these.
   */
  start(name?: string, options?: Partial<SessionOptions>): Promise<Session>;
  /** Closes one of the test's sessions before the test ends (to start it again, say). */
  stop(session: Session): Promise<void>;
  /** A Session named 'seed' seeding alice.txt from `<dir>/seed`, once it seeds. */
  aliceSeeder(): Promise<Session>;
  /**
   * Sessions 'seed' and 'leech', each given `settings`: the seeder seeds a torrent it made (pieces
   * of `pieceLength`) of the folder `<dir>/seed/<folder>` with `files` in it (paths with '/'),
   * and the leecher has added it and checked its empty folder; they have not met yet.
   */
  seedAndLeech(o: {
    folder: string;
    files: Record<string, Uint8Array>;
    pieceLength: number;
    settings?: Partial<Settings>;
    leecherOptions?: Partial<SessionOptions>;
  }): Promise<{ seeder: Session; leecher: Session; infoHash: string }>;
}

export function useTestSessions(prefix: string): TestSessions {
  let dir: { path: string; remove(): Promise<void> } | undefined;
  let running: Session[] = [];
  const path = (): string => {
    if (!dir) throw new Error('useTestSessions: the temporary folder exists only while a test runs');
    return dir.path;
  };

  beforeEach(async () => {
    dir = await tempDir(prefix);
  });
  afterEach(async () => {
    await Promise.all(running.map((s) => s.close()));
    running = [];
    await dir?.remove();
    dir = undefined;
  });

  const start = async (name?: string, options: Partial<SessionOptions> = {}): Promise<Session> => {
    const folders = name === undefined ? { downloadDir: join(path(), 'dl'), stateDir: join(path(), 'state') } : { downloadDir: join(path(), name), stateDir: join(path(), `${name}-state`) };
    const session = await Session.start({ ...folders, listenPort: 0, listenHost: '127.0.0.1', ...options });
    running.push(session);
    return session;
  };

  return {
    get dir() {
      return path();
    },
    start,
    async stop(session) {
      running = running.filter((s) => s !== session);
      await session.close();
    },
    async aliceSeeder() {
      await mkdir(join(path(), 'seed'), { recursive: true });
      await copyFile(join(contentDir, 'alice.txt'), join(path(), 'seed', 'alice.txt'));
      const seeder = await start('seed');
      await seeder.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') } });
      await vi.waitFor(() => expect(seeder.torrent(alice)?.state).toBe('seeding'), { timeout: 10_000 });
      return seeder;
    },
    async seedAndLeech({ folder, files, pieceLength, settings, leecherOptions }) {
      for (const [name, bytes] of Object.entries(files)) {
        const file = join(path(), 'seed', folder, ...name.split('/'));
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, bytes);
      }
      const [seeder, leecher] = [await start('seed'), await start('leech', leecherOptions)];
      if (settings) for (const session of [seeder, leecher]) await session.setSettings(settings);
      const data = await createTorrent(join(path(), 'seed', folder), { pieceLength, creationDate: null });
      const { infoHash } = await seeder.addTorrent({ source: { kind: 'torrent', data } });
      await vi.waitFor(() => expect(seeder.torrent(infoHash)?.state).toBe('seeding'), { timeout: 10_000, interval: 20 });
      await leecher.addTorrent({ source: { kind: 'torrent', data } });
      await vi.waitFor(() => expect(leecher.torrent(infoHash)?.state).toBe('downloading'), { timeout: 10_000, interval: 20 });
      return { seeder, leecher, infoHash };
    },
  };
}

/** The next stats the session sends (once a second). */
export function nextStats(session: Session): Promise<EventPayload<'stats'>> {
  return new Promise((resolve) => {
    const off = session.onEvent((e) => {
      if (e.name !== 'stats') return;
      off();
      resolve(e.payload);
    });
  });
}
