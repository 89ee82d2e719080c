import { describe, expect, it } from 'vitest';
import { defaultLimitSettings, type ShareLimitAction, type ShareLimits, type TorrentState } from '../../../src-shared/contract';
import { ShareLimitGuard, type GuardedTorrent } from './share-limit-guard';

const SIZE = 1000;
const limits = (changes: Partial<ShareLimits>): ShareLimits => ({ ...defaultLimitSettings.shareLimits, ...changes });

class FakeTorrent implements GuardedTorrent {
  readonly infoHash = 'b'.repeat(40);
  state: TorrentState = 'seeding';
  totals = { uploaded: 0, downloaded: 0 };
  bytesDone = SIZE;
  hasMetainfo = true;
  seedingTime = 0;
  options: { shareLimits: ShareLimits | null } = { shareLimits: null };
  chokes = 0;
  readonly chokeAll = (): void => void this.chokes++;
}

function setup(global: ShareLimits) {
  const reached: ShareLimitAction[] = [];
  let globalLimits = global;
  const guard = new ShareLimitGuard<FakeTorrent>({
    globalLimits: () => globalLimits,
    inactiveSeedingSeconds: () => 0,
    reached: (t, action) => {
      reached.push(action);
      t.state = 'paused';
    },
  });
  return { guard, reached, setGlobal: (l: ShareLimits) => (globalLimits = l) };
}

describe('ShareLimitGuard', () => {
  it('chokes everyone and reports the action at the limit, not a byte before', () => {
    const { guard, reached } = setup(limits({ ratio: 1, action: 'remove' }));
    const t = new FakeTorrent();
    t.totals = { uploaded: SIZE - 1, downloaded: 0 };
    guard.check(t);
    expect(reached).toEqual([]);
    t.totals = { uploaded: SIZE, downloaded: 0 };
    guard.check(t);
    expect(reached).toEqual(['remove']);
    expect(t.chokes).toBe(1);
  });

  it('never stops a torrent that is not seeding', () => {
    const { guard, reached } = setup(limits({ ratio: 0 }));
    const t = new FakeTorrent();
    t.state = 'downloading';
    guard.check(t);
    expect(reached).toEqual([]);
  });

  it("prefers the torrent's own limits to the global ones", () => {
    const { guard, reached } = setup(limits({ ratio: 0 }));
    const t = new FakeTorrent();
    t.options = { shareLimits: limits({ seedingTimeMinutes: 10, action: 'remove-with-files' }) };
    guard.check(t);
    expect(reached).toEqual([]);
    t.seedingTime = 600;
    guard.check(t);
    expect(reached).toEqual(['remove-with-files']);
  });

  it('leaves a torrent resumed by hand past its limits seeding until the limits that apply change', () => {
    const { guard, reached, setGlobal } = setup(limits({ ratio: 1 }));
    const t = new FakeTorrent();
    t.totals = { uploaded: 2 * SIZE, downloaded: 0 };
    guard.resumedByHand(t);
    guard.check(t);
    expect(reached).toEqual([]);
    setGlobal(limits({ ratio: 1.5 }));
    guard.check(t);
    expect(reached).toEqual(['pause']);
  });

  it('does not excuse a torrent resumed before its limits were reached', () => {
    const { guard, reached } = setup(limits({ ratio: 1 }));
    const t = new FakeTorrent();
    guard.resumedByHand(t);
    t.totals = { uploaded: SIZE, downloaded: 0 };
    guard.check(t);
    expect(reached).toEqual(['pause']);
  });

  it('marks a torrent paused by its limits until resumed by hand; a torrent paused by hand below them is not marked', () => {
    const { guard } = setup(limits({ ratio: 1, action: 'pause' }));
    const byLimit = new FakeTorrent();
    byLimit.totals = { uploaded: SIZE, downloaded: 0 };
    guard.check(byLimit);
    expect(byLimit.state).toBe('paused');
    expect(guard.pausedByLimits(byLimit)).toBe(true);
    byLimit.state = 'seeding';
    guard.resumedByHand(byLimit);
    expect(guard.pausedByLimits(byLimit)).toBe(false);
    byLimit.state = 'paused';
    // Paused by hand after the user waived the limits: not the limits' doing.
    expect(guard.pausedByLimits(byLimit)).toBe(false);

    const byHand = new FakeTorrent();
    byHand.state = 'paused';
    byHand.totals = { uploaded: SIZE / 2, downloaded: 0 };
    expect(guard.pausedByLimits(byHand)).toBe(false);
  });

  it('after a restart, a paused torrent still past its limits (and not waived) is marked', () => {
    const { guard } = setup(limits({ ratio: 1, action: 'pause' }));
    const t = new FakeTorrent();
    t.state = 'paused';
    t.totals = { uploaded: 2 * SIZE, downloaded: 0 };
    expect(guard.pausedByLimits(t)).toBe(true);
  });

  it('a paused magnet still fetching its metadata has no ratio, so it is not marked (and nothing asks for its bytes)', () => {
    const { guard } = setup(limits({ ratio: 1, action: 'pause' }));
    const t = new FakeTorrent();
    t.state = 'paused';
    t.hasMetainfo = false;
    Object.defineProperty(t, 'bytesDone', {
      get: () => {
        throw new Error('no metadata yet');
      },
    });
    t.totals = { uploaded: 2 * SIZE, downloaded: 0 };
    expect(guard.pausedByLimits(t)).toBe(false);
  });
});
