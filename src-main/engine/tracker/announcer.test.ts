import { afterEach, describe, expect, it, vi } from 'vitest';
import { ShoalError } from '../../../src-shared/errors';
import { Announcer, type AnnouncerOptions } from './announcer';
import type { PeerAddress } from '../net/peer-address';
import type { AnnounceReply, AnnounceRequest, ScrapeReply, TrackerClient } from './tracker-types';

/** A scripted tracker: records every request; `answer` decides the reply (throw = failure). */
class FakeTracker implements TrackerClient {
  readonly calls: AnnounceRequest[] = [];
  constructor(public answer: (r: AnnounceRequest) => Promise<AnnounceReply> | AnnounceReply) {}
  async announce(request: AnnounceRequest): Promise<AnnounceReply> {
    this.calls.push(request);
    return this.answer(request);
  }
  async scrape(): Promise<ScrapeReply> {
    return { complete: 7, incomplete: 8, downloaded: 9 };
  }
}

const ok = (peers: PeerAddress[] = [], extra: Partial<AnnounceReply> = {}) => () => ({ interval: 1800, peers, ...extra });
const down = () => {
  throw new ShoalError('network', 'The tracker cannot be reached (ECONNREFUSED).');
};
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never held');
};

/** The engine wants peers; the early announce goes out once the 30 s floor has passed. */
async function announceEarly(a: Announcer): Promise<void> {
  vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  a.announceNow();
  await vi.advanceTimersByTimeAsync(30_000);
}

let announcer: Announcer | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await announcer?.stop();
  announcer = undefined;
});

function make(trackers: Record<string, FakeTracker>, tiers: string[][], over: Partial<AnnouncerOptions> = {}) {
  let left = 100;
  const peers: PeerAddress[] = [];
  announcer = new Announcer({
    tiers,
    infoHash: Buffer.alloc(20, 1),
    peerId: Buffer.alloc(20, 2),
    port: 6881,
    stats: () => ({ uploaded: 0, downloaded: 100 - left, left }),
    onPeers: (p) => peers.push(...p),
    clientFor: (url) => trackers[url],
    retryBaseMs: 1000,
    ...over,
  });
  return { announcer, peers, finish: () => (left = 0) };
}

describe('Announcer', () => {
  it('tells trackers the port the router forwards once there is one, the listening port before', async () => {
    const t = { a: new FakeTracker(ok()) };
    let external: number | null = null;
    const { announcer } = make(t, [['a']], { announcePort: () => external });
    announcer.start();
    await until(() => t.a.calls.length === 1);
    expect(t.a.calls[0]!.port).toBe(6881);
    external = 51413;
    await announceEarly(announcer);
    await until(() => t.a.calls.length === 2);
    expect(t.a.calls[1]!.port).toBe(51413);
  });

  it('asks for trackers over IPv6 too and tells our global IPv6 address only while the peer port takes IPv6', async () => {
    const t = { a: new FakeTracker(ok()) };
    let reach: { listening: boolean; address?: string } = { listening: true, address: '2001:db8::7' };
    const { announcer } = make(t, [['a']], { ipv6: () => reach });
    announcer.start();
    await until(() => t.a.calls.length === 1);
    expect([t.a.calls[0]!.ipv6Peers, t.a.calls[0]!.ipv6]).toEqual([true, '2001:db8::7']);
    reach = { listening: false, address: '2001:db8::7' };
    await announceEarly(announcer);
    await until(() => t.a.calls.length === 2);
    expect([t.a.calls[1]!.ipv6Peers, t.a.calls[1]!.ipv6]).toEqual([undefined, undefined]);
  });

  it("announces a hybrid's v2 swarm beside its v1 one, same event, and takes both swarms' peers", async () => {
    const v2 = Buffer.alloc(20, 9);
    const t = { a: new FakeTracker((r) => ({ interval: 1800, peers: [{ host: r.infoHash[0] === 9 ? '10.0.0.2' : '10.0.0.1', port: 1 }] })) };
    const { announcer, peers } = make(t, [['a']], { alsoInfoHash: () => v2 });
    announcer.start();
    await until(() => peers.length === 2);
    expect(new Set(t.a.calls.map((c) => c.infoHash[0]))).toEqual(new Set([1, 9]));
    expect(t.a.calls.every((c) => c.event === 'started')).toBe(true);
    expect(peers.map((p) => p.host).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(announcer.statuses()[0]!.peers).toBe(1); // the row is the v1 swarm's
    await announcer.stop();
    expect(t.a.calls.filter((c) => c.event === 'stopped').map((c) => c.infoHash[0]).sort()).toEqual([1, 9]);
  });

  it('falls through failing tiers to the first that answers, and delivers its peers', async () => {
    const t = { a: new FakeTracker(down), b: new FakeTracker(down), c: new FakeTracker(ok([{ host: '10.0.0.9', port: 1 }])), d: new FakeTracker(ok()) };
    const { announcer, peers } = make(t, [['a', 'b'], ['c'], ['d']]);
    announcer.start();
    await until(() => peers.length > 0);
    expect(peers).toEqual([{ host: '10.0.0.9', port: 1 }]);
    expect(t.d.calls).toHaveLength(0); // a later tier is not bothered once one answered
    const byUrl = Object.fromEntries(announcer.statuses().map((s) => [s.url, s]));
    expect(byUrl.a!.state).toBe('error');
    expect(byUrl.a!.message).toMatch(/ECONNREFUSED/);
    expect(byUrl.c!.state).toBe('working');
    expect(byUrl.c!.nextAnnounce! - Date.now()).toBeGreaterThan(1790_000);
    expect(byUrl.d!.state).toBe('not contacted');
  });

  it('moves a tracker that answers to the front of its tier', async () => {
    const t = { a: new FakeTracker(down), b: new FakeTracker(ok()), c: new FakeTracker(down) };
    const { announcer } = make(t, [['a', 'b', 'c']]);
    announcer.start();
    await until(() => announcer.statuses().some((s) => s.state === 'working'));
    expect(announcer.statuses()[0]!.url).toBe('b');
  });

  it('sends started first, completed once, and stopped on stop', async () => {
    const t = { a: new FakeTracker(ok()) };
    const { announcer, finish } = make(t, [['a']]);
    announcer.start();
    await until(() => t.a.calls.length === 1);
    finish();
    announcer.completed();
    announcer.completed();
    await until(() => t.a.calls.length === 2);
    await announceEarly(announcer);
    await until(() => t.a.calls.length === 3);
    await announcer.stop();
    expect(t.a.calls.map((c) => [c.event, c.left])).toEqual([
      ['started', 100],
      ['completed', 0],
      ['none', 0],
      ['stopped', 0],
    ]);
  });

  it('says paused (BEP 21) in every regular announce while a partial seed, with what is left of the whole torrent', async () => {
    const t = { a: new FakeTracker(ok()) };
    let partialSeed = false;
    const { announcer } = make(t, [['a']], { partialSeed: () => partialSeed });
    announcer.start();
    await until(() => t.a.calls.length === 1);
    partialSeed = true;
    await announceEarly(announcer);
    await until(() => t.a.calls.length === 2);
    await announcer.stop();
    expect(t.a.calls.map((c) => [c.event, c.left])).toEqual([
      ['started', 100],
      ['paused', 100],
      ['stopped', 100],
    ]);
  });

  it('sends no stopped when stopped quietly (another announcer carries on)', async () => {
    const t = { a: new FakeTracker(ok()) };
    const { announcer } = make(t, [['a']]);
    announcer.start();
    await until(() => t.a.calls.length === 1);
    await announcer.stop({ quietly: true });
    expect(t.a.calls.map((c) => c.event)).toEqual(['started']);
  });

  it('echoes a tracker id and keeps the same key on every announce', async () => {
    const t = { a: new FakeTracker(ok([], { trackerId: 'T1' })) };
    const { announcer } = make(t, [['a']]);
    announcer.start();
    await until(() => t.a.calls.length === 1);
    await announceEarly(announcer);
    await until(() => t.a.calls.length === 2);
    expect(t.a.calls[0]!.trackerId).toBeUndefined();
    expect(t.a.calls[1]!.trackerId).toBe('T1');
    expect(t.a.calls[1]!.key).toBe(t.a.calls[0]!.key);
  });

  it('honours min interval for announceNow', async () => {
    const t = { a: new FakeTracker(ok([], { interval: 1800, minInterval: 600 })) };
    const { announcer } = make(t, [['a']]);
    announcer.start();
    await until(() => t.a.calls.length === 1);
    announcer.announceNow();
    await new Promise((r) => setTimeout(r, 50));
    expect(t.a.calls).toHaveLength(1);
    expect(announcer.statuses()[0]!.nextAnnounce! - Date.now()).toBeLessThanOrEqual(600_000);
  });

  it('backs off exponentially while every tracker fails', async () => {
    const t = { a: new FakeTracker(down) };
    const { announcer } = make(t, [['a']], { retryBaseMs: 40 });
    announcer.start();
    await until(() => t.a.calls.length === 3);
    const next = announcer.statuses()[0]!.nextAnnounce! - Date.now();
    expect(next).toBeGreaterThan(100); // third failure: 40·2² = 160 ms
    expect(next).toBeLessThanOrEqual(160);
  });

  it('waits for stopped at most stopTimeoutMs', async () => {
    const t = {
      a: new FakeTracker((r) => (r.event === 'stopped' ? new Promise<AnnounceReply>(() => undefined) : ok()())),
    };
    const { announcer } = make(t, [['a']], { stopTimeoutMs: 100 });
    announcer.start();
    await until(() => t.a.calls.length === 1);
    const started = Date.now();
    await announcer.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(t.a.calls.at(-1)!.event).toBe('stopped');
  });

  it('marks unsupported URLs and takes swarm health from the best answer', async () => {
    const t = { a: new FakeTracker(ok([], { complete: 2, incomplete: 1 })), b: new FakeTracker(ok()) };
    const { announcer } = make(t, [['a'], ['wss://tracker.example']]);
    expect(announcer.health()).toBeUndefined();
    announcer.start();
    await until(() => t.a.calls.length === 1);
    expect(announcer.statuses().find((s) => s.url === 'wss://tracker.example')!.state).toBe('unsupported');
    expect(announcer.health()).toEqual({ seeders: 2, leechers: 1 });
    expect(await announcer.scrape()).toEqual({ complete: 7, incomplete: 8, downloaded: 9 });
    expect(announcer.health()).toEqual({ seeders: 7, leechers: 8, downloaded: 9 });
  });
});
