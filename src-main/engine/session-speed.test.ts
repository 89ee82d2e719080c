import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { nextStats, useTestSessions } from '../testing/test-sessions';
import { Session } from './session';

const fixtures = fileURLToPath(new URL('../../../shared/fixtures/torrents/', import.meta.url));

const sessions = useTestSessions('session-speed');
let session: Session;

beforeEach(async () => {
  session = await sessions.start(undefined, { downloadDir: sessions.dir, stateDir: undefined });
});

async function addAlice(): Promise<string> {
  const data = await readFile(join(fixtures, 'alice.torrent'));
  return (await session.addTorrent({ source: { kind: 'torrent', data }, paused: true })).infoHash;
}

const everyDayAllDay = { enabled: true, days: [0, 1, 2, 3, 4, 5, 6], fromMinute: 0, toMinute: 0 };

describe('Session speed limits', () => {
  it('applies the global limits to every torrent, and a tighter per-torrent limit on top', async () => {
    const hash = await addAlice();
    const gates = session.torrent(hash)!.bandwidth;
    expect([gates.down.rate, gates.up.rate]).toEqual([0, 0]);
    await session.setSettings({ speedLimit: { down: 100_000, up: 50_000 } });
    expect([gates.down.rate, gates.up.rate]).toEqual([100_000, 50_000]);
    await session.setTorrentOptions({ infoHashes: [hash], options: { speedLimit: { down: 20_000, up: 80_000 } } });
    // Down: the torrent's own limit is tighter; up: the global one still is.
    expect([gates.down.rate, gates.up.rate]).toEqual([20_000, 50_000]);
    expect(session.torrent(hash)!.options.speedLimit).toEqual({ down: 20_000, up: 80_000 });
    await session.setSettings({ speedLimit: { down: 0, up: 0 } });
    expect([gates.down.rate, gates.up.rate]).toEqual([20_000, 80_000]);
  });

  it('switches to the alternative limits by hand, and says so in the stats', async () => {
    const hash = await addAlice();
    const gates = session.torrent(hash)!.bandwidth;
    await session.setSettings({ speedLimit: { down: 100_000, up: 0 }, altSpeedLimit: { down: 10_000, up: 5_000 } });
    expect((await nextStats(session)).altSpeedActive).toBe(false);
    await session.setSettings({ altSpeedEnabled: true });
    expect([gates.down.rate, gates.up.rate]).toEqual([10_000, 5_000]);
    expect((await nextStats(session)).altSpeedActive).toBe(true);
    await session.setSettings({ altSpeedEnabled: false });
    expect([gates.down.rate, gates.up.rate]).toEqual([100_000, 0]);
  });

  it('switches to the alternative limits when the schedule says so', async () => {
    const hash = await addAlice();
    const gates = session.torrent(hash)!.bandwidth;
    await session.setSettings({ speedLimit: { down: 100_000, up: 0 }, altSpeedLimit: { down: 10_000, up: 0 }, altSpeedSchedule: everyDayAllDay });
    expect(gates.down.rate).toBe(10_000);
    expect((await nextStats(session)).altSpeedActive).toBe(true);
    await session.setSettings({ altSpeedSchedule: { ...everyDayAllDay, enabled: false } });
    expect(gates.down.rate).toBe(100_000);
    expect((await nextStats(session)).altSpeedActive).toBe(false);
  });

  it('looks at the schedule again every minute', async () => {
    // Monday 07:59:30 local time; the window opens at 08:00.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'], now: new Date(2026, 2, 2, 7, 59, 30) });
    const own = await Session.start({ downloadDir: sessions.dir, listenPort: 0, listenHost: '127.0.0.1' });
    try {
      const data = await readFile(join(fixtures, 'alice.torrent'));
      const { infoHash } = await own.addTorrent({ source: { kind: 'torrent', data }, paused: true });
      const gates = own.torrent(infoHash)!.bandwidth;
      const mondayMorning = { enabled: true, days: [1], fromMinute: 8 * 60, toMinute: 9 * 60 };
      await own.setSettings({ speedLimit: { down: 100_000, up: 0 }, altSpeedLimit: { down: 10_000, up: 0 }, altSpeedSchedule: mondayMorning });
      expect(gates.down.rate).toBe(100_000);
      vi.advanceTimersByTime(60_000);
      expect(gates.down.rate).toBe(10_000);
      vi.advanceTimersByTime(60 * 60_000);
      expect(gates.down.rate).toBe(100_000);
    } finally {
      await own.close();
      vi.useRealTimers();
    }
  });
});
