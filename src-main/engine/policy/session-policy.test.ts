import { describe, expect, it } from 'vitest';
import { defaultTorrentOptions, type QueueSettings, type Settings, type TorrentState } from '../../../src-shared/contract';
import { initialSettings } from '../session-settings';
import { SessionPolicy, type PolicyTorrent } from './session-policy';

/** A torrent that never gets going (its start is asked for, its state stays): the queue keeps asking while it looks at it. */
function stuck(infoHash: string, state: TorrentState): PolicyTorrent & { starts: number } {
  return {
    infoHash,
    state,
    isComplete: true,
    totals: { uploaded: 0, downloaded: 0 },
    bytesDone: 100,
    hasMetainfo: true,
    seedingTime: 0,
    options: defaultTorrentOptions,
    starts: 0,
    chokeAll: () => undefined,
    async start() {
      this.starts++;
    },
    pause: async () => undefined,
  };
}

/** A policy over one stuck torrent, added started and the queue applied once. */
function startedOnce(queue: QueueSettings): { t: ReturnType<typeof stuck>; policy: SessionPolicy<PolicyTorrent> } {
  const t = stuck('a', 'paused');
  const settings: Settings = { ...initialSettings({ downloadDir: '/downloads' }), queue };
  const policy = new SessionPolicy<PolicyTorrent>({ settings: () => settings, torrents: new Map([['a', t]]), shareLimitReached: () => undefined, stalledChanged: () => undefined });
  policy.add('a', true);
  policy.applyQueue();
  return { t, policy };
}

describe('SessionPolicy tick', () => {
  it('does not look at the queue every second without queue limits, only when asked to apply it', () => {
    const { t, policy } = startedOnce({ maxActiveDownloads: 0, maxActiveSeeds: 0, maxActiveTorrents: 0, stalledMinutes: 5 });
    expect(t.starts).toBe(1);
    for (let i = 0; i < 10; i++) policy.tick();
    expect(t.starts).toBe(1);
    policy.applyQueue();
    expect(t.starts).toBe(2);
  });

  it('applies the queue on every tick with queue limits, where time alone changes who runs', () => {
    const { t, policy } = startedOnce({ maxActiveDownloads: 3, maxActiveSeeds: 5, maxActiveTorrents: 8, stalledMinutes: 5 });
    expect(t.starts).toBe(1);
    for (let i = 0; i < 10; i++) policy.tick();
    expect(t.starts).toBe(11);
  });
});
