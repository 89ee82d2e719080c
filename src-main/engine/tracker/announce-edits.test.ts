import { afterEach, describe, expect, it } from 'vitest';
import { Announcer } from './announcer';
import type { AnnounceReply, AnnounceRequest, ScrapeReply, TrackerClient } from './tracker-types';

/** Records every request and answers with a long interval, so only the user's actions announce. */
class FakeTracker implements TrackerClient {
  readonly calls: AnnounceRequest[] = [];
  async announce(request: AnnounceRequest): Promise<AnnounceReply> {
    this.calls.push(request);
    return { interval: 1800, peers: [] };
  }
  async scrape(): Promise<ScrapeReply> {
    return { complete: 0, incomplete: 0, downloaded: 0 };
  }
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never held');
};

let announcer: Announcer | undefined;
afterEach(async () => {
  await announcer?.stop();
  announcer = undefined;
});

function make(trackers: Record<string, FakeTracker>, tiers: string[][]): Announcer {
  announcer = new Announcer({
    tiers,
    infoHash: Buffer.alloc(20, 1),
    peerId: Buffer.alloc(20, 2),
    port: 6881,
    stats: () => ({ uploaded: 0, downloaded: 0, left: 100 }),
    clientFor: (url) => trackers[url],
  });
  return announcer;
}

const events = (t: FakeTracker) => t.calls.map((c) => c.event);

describe('Announcer edited by the user', () => {
  it('asks an added tracker at once, tells a removed one stopped, and keeps the state of those kept', async () => {
    const t = { a: new FakeTracker(), b: new FakeTracker(), c: new FakeTracker() };
    const a = make(t, [['a'], ['b']]);
    a.start();
    await until(() => t.a.calls.length === 1);
    expect(events(t.b)).toEqual([]); // BEP 12: the second tier waits while the first answers

    a.setTiers([['c'], ['a']]);
    await until(() => t.c.calls.length === 1);
    expect(events(t.c)).toEqual(['started']);
    expect(a.tiers).toEqual([['c'], ['a']]);
    const byUrl = Object.fromEntries(a.statuses().map((s) => [s.url, s]));
    expect(byUrl.a).toMatchObject({ tier: 1, state: 'working' });
    expect(byUrl.c).toMatchObject({ tier: 0, state: 'working' });
    expect(byUrl.b).toBeUndefined();
    expect(events(t.b)).toEqual([]); // never started, so owed no stopped

    a.setTiers([['c']]);
    await until(() => t.a.calls.length === 2);
    expect(events(t.a)).toEqual(['started', 'stopped']);
  });

  it('reannounces to every tracker of every tier at once when asked, and not while stopped', async () => {
    const t = { a: new FakeTracker(), b: new FakeTracker() };
    const a = make(t, [['a'], ['b']]);
    a.reannounce();
    await new Promise((r) => setTimeout(r, 20));
    expect(t.a.calls).toHaveLength(0);
    a.start();
    await until(() => t.a.calls.length === 1);
    a.reannounce();
    await until(() => t.a.calls.length === 2 && t.b.calls.length === 1);
    expect(events(t.a)).toEqual(['started', 'none']);
    expect(events(t.b)).toEqual(['started']);
  });

  it('announces no tracker added while stopped until it starts', async () => {
    const t = { a: new FakeTracker(), b: new FakeTracker() };
    const a = make(t, [['a']]);
    a.setTiers([['a', 'b']]);
    await new Promise((r) => setTimeout(r, 20));
    expect(t.b.calls).toHaveLength(0);
    expect(a.statuses().map((s) => s.state)).toEqual(['not contacted', 'not contacted']);
  });
});
