// Share limits in a Session: the ratio held per block against a real leecher, the actions, the
// hand-resumed rule, and seeding times (only the clock faked).
import { randomBytes } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultLimitSettings, type ShareLimits } from '../../src-shared/contract';
import { freePort, waitFor } from '../testing/processes';
import { useTestSessions } from '../testing/test-sessions';
import { createTorrent } from './metainfo/create';
import type { Session } from './session';

const PIECE = 64 * 1024;
const SIZE = 4 * 1024 * 1024 + 1234;
const limits = (changes: Partial<ShareLimits>): ShareLimits => ({ ...defaultLimitSettings.shareLimits, ...changes });

const sessions = useTestSessions('session-share');
// Registered after the sessions' hooks, so real timers are back before they close.
afterEach(() => {
  vi.useRealTimers();
});

const startSession = (name: string): Promise<Session> => sessions.start(name, { stateDir: undefined, listIntervalMs: 50 });

/** A payload in `data/` and its torrent, announcing to `tracker` when given. */
async function makeTorrent(tracker?: string): Promise<{ data: Uint8Array; dataDir: string; file: string }> {
  const dataDir = join(sessions.dir, 'data');
  const file = join(dataDir, 'payload.bin');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, randomBytes(SIZE));
  const data = await createTorrent(file, { pieceLength: PIECE, ...(tracker ? { trackers: [[tracker]] } : {}) });
  return { data, dataDir, file };
}

/** A seeding torrent in its own session, with `shareLimits` as the global limits and, with a port, its tracker. */
async function seeder(shareLimits: ShareLimits, trackerPort?: number) {
  const session = await startSession('seeder');
  await session.setSettings({ shareLimits, announceInterval: 1, ...(trackerPort ? { trackerEnabled: true, trackerPort } : {}) });
  const { data, dataDir, file } = await makeTorrent(trackerPort ? `http://127.0.0.1:${trackerPort}/announce` : undefined);
  const { infoHash } = await session.addTorrent({ source: { kind: 'torrent', data }, savePath: dataDir });
  const torrent = session.torrent(infoHash)!;
  await waitFor('the seeder to check its data', () => (torrent.state === 'seeding' ? true : undefined), 10_000, 20);
  return { session, torrent, data, file };
}

describe('share limits in a Session', () => {
  it('stops serving a real leecher within one piece of the ratio, keeps seeding once resumed by hand, and stops again when the limit changes', async () => {
    const trackerPort = await freePort();
    const s = await seeder(limits({ ratio: 0.5 }), trackerPort);
    const leecher = await startSession('leecher');
    await leecher.setSettings({ announceInterval: 1 });
    const { infoHash } = await leecher.addTorrent({ source: { kind: 'torrent', data: s.data } });
    const leeching = leecher.torrent(infoHash)!;

    await waitFor('the seeder to pause at its ratio', () => (s.torrent.state === 'paused' ? true : undefined), 20_000, 10);
    const uploaded = s.torrent.totals.uploaded;
    expect(uploaded).toBeGreaterThanOrEqual(SIZE / 2);
    expect(uploaded).toBeLessThanOrEqual(SIZE / 2 + PIECE);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(s.torrent.totals.uploaded).toBe(uploaded);
    expect(leeching.isComplete).toBe(false);

    // Resumed past its limit, it seeds on: the leecher completes.
    await s.session.resume({ infoHashes: [s.torrent.infoHash] });
    await waitFor('the leecher to complete', () => (leeching.isComplete ? true : undefined), 20_000, 20);
    expect(s.torrent.state).toBe('seeding');
    expect(s.torrent.totals.uploaded).toBeGreaterThan(SIZE / 2 + PIECE);

    // A new limit for this torrent applies again.
    await s.session.setTorrentOptions({ infoHashes: [s.torrent.infoHash], options: { shareLimits: limits({ ratio: 0.75 }) } });
    await waitFor('the seeder to pause at its new limit', () => (s.torrent.state === 'paused' ? true : undefined), 5000, 20);
  }, 60_000);

  it('removes a torrent and its files at its seeding time when told to', async () => {
    const s = await seeder(limits({ seedingTimeMinutes: 1, action: 'remove-with-files' }));
    const notices: string[] = [];
    s.session.onEvent((e) => {
      if (e.name === 'notice' && e.payload.kind === 'ratio-reached') notices.push(e.payload.message);
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(s.session.torrent(s.torrent.infoHash)).toBeDefined();
    // Only the clock is faked: the session's once-a-second check runs for real and sees a minute pass.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    await waitFor('the torrent to go', () => (s.session.torrent(s.torrent.infoHash) ? undefined : true), 5000, 20);
    await waitFor('its file to go', () => access(s.file).then(() => undefined, (err: NodeJS.ErrnoException) => err.code), 5000, 20);
    expect(notices).toEqual(['payload.bin reached its share limits and was removed']);
  });

  it('pauses a seed that uploaded nothing for its inactive seeding time, but never a download', async () => {
    // Ratio 0 alone would stop it at once: with match all, the inactivity must come too.
    const s = await seeder(limits({ inactiveSeedingTimeMinutes: 1, ratio: 0, match: 'all' }));
    const other = await startSession('downloader');
    await other.setSettings({ shareLimits: limits({ ratio: 0, seedingTimeMinutes: 0, inactiveSeedingTimeMinutes: 0 }) });
    const { infoHash } = await other.addTorrent({ source: { kind: 'torrent', data: (await makeTorrent()).data } });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(s.torrent.state).toBe('seeding');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    await waitFor('the seed to pause', () => (s.torrent.state === 'paused' ? true : undefined), 5000, 20);
    expect(other.torrent(infoHash)!.state).toBe('downloading');
  });
});

describe('share limits across a restart', () => {
  it('keeps a torrent resumed by hand past its limits seeding after a restart, until the limits change', async () => {
    const start = (): Promise<Session> => sessions.start(undefined, { listIntervalMs: 50 });
    const first = await start();
    await first.setSettings({ shareLimits: limits({ seedingTimeMinutes: 0 }) });
    const { data, dataDir } = await makeTorrent();
    const { infoHash } = await first.addTorrent({ source: { kind: 'torrent', data }, savePath: dataDir });
    const torrent = first.torrent(infoHash)!;
    await waitFor('the limit to pause the seed', () => (torrent.state === 'paused' ? true : undefined), 10_000, 20);
    await first.resume({ infoHashes: [infoHash] });
    await waitFor('the seed to run again', () => (torrent.state === 'seeding' ? true : undefined), 10_000, 20);
    await sessions.stop(first);

    const second = await start();
    const restored = second.torrent(infoHash)!;
    await waitFor('the restored seed to run', () => (restored.state === 'seeding' ? true : undefined), 10_000, 20);
    // Limits are checked every second: two checks later it still seeds.
    await new Promise((resolve) => setTimeout(resolve, 2200));
    expect(restored.state).toBe('seeding');

    await second.setSettings({ shareLimits: limits({ seedingTimeMinutes: 0, match: 'all' }) });
    await waitFor('the changed limits to pause it', () => (restored.state === 'paused' ? true : undefined), 10_000, 20);
  }, 30_000);
});
