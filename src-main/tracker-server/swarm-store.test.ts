import { describe, expect, it } from 'vitest';
import { SwarmStore, type AnnounceInput } from './swarm-store';

const hash = (n: number) => Buffer.alloc(20, n);
const v4 = Buffer.from([10, 0, 0, 1]);
const limits = { maxSwarms: 3, maxPeersPerSwarm: 5, maxPeers: 8, peerTimeoutMs: 1000 };
const input = (over: Partial<AnnounceInput>): AnnounceInput => ({
  infoHash: hash(1),
  peerId: Buffer.alloc(20, 7),
  ip: v4,
  port: 1000,
  left: 10,
  event: 'started',
  numwant: 50,
  ...over,
});

describe('SwarmStore', () => {
  it('tells seeders from leechers by left, counts completed, removes on stopped', () => {
    const store = new SwarmStore(limits);
    store.announce(input({ port: 1 }), 0);
    store.announce(input({ port: 2, left: 0 }), 0);
    expect(store.counts(hash(1).toString('hex'))).toEqual({ complete: 1, incomplete: 1, downloaded: 0 });
    store.announce(input({ port: 1, left: 0, event: 'completed' }), 0);
    expect(store.counts(hash(1).toString('hex'))).toEqual({ complete: 2, incomplete: 0, downloaded: 1 });
    store.announce(input({ port: 1, event: 'stopped' }), 0);
    expect(store.counts(hash(1).toString('hex'))).toEqual({ complete: 1, incomplete: 0, downloaded: 1 });
    expect(store.peerCount).toBe(1);
  });

  it('returns a sample that excludes the requester and holds at most numwant peers', () => {
    const store = new SwarmStore({ ...limits, maxPeersPerSwarm: 100, maxPeers: 100 });
    for (let p = 1; p <= 30; p++) store.announce(input({ port: p }), 0);
    const out = store.announce(input({ port: 7, numwant: 10 }), 0);
    if (!out.ok) throw new Error(out.reason);
    expect(out.v4).toHaveLength(10);
    expect(out.v4.map((p) => p.compact.readUInt16BE(4))).not.toContain(7);
    expect(new Set(out.v4).size).toBe(10);
  });

  it('gives IPv6 peers in their own list', () => {
    const store = new SwarmStore(limits);
    const v6 = Buffer.alloc(16, 0);
    v6[15] = 1;
    store.announce(input({ ip: v6, port: 6 }), 0);
    const out = store.announce(input({ port: 4 }), 0);
    if (!out.ok) throw new Error(out.reason);
    expect(out.v4).toHaveLength(0);
    expect(out.v6.map((p) => p.compact.length)).toEqual([18]);
  });

  it('expires peers not heard from within the timeout, and only those', () => {
    const store = new SwarmStore(limits);
    store.announce(input({ port: 1 }), 0);
    store.announce(input({ port: 2 }), 500);
    store.announce(input({ port: 1, event: 'none' }), 900); // refreshed: no longer the oldest
    expect(store.sweep(1600)).toBe(1);
    expect(store.counts(hash(1).toString('hex')).incomplete).toBe(1);
    expect(store.sweep(2000)).toBe(1);
    expect(store.swarmCount).toBe(0);
  });

  it('refuses new swarms and peers beyond its caps without changing state', () => {
    const store = new SwarmStore(limits);
    for (let t = 1; t <= 3; t++) expect(store.announce(input({ infoHash: hash(t) }), 0).ok).toBe(true);
    const refused = store.announce(input({ infoHash: hash(9) }), 0);
    expect(refused).toEqual({ ok: false, reason: 'The tracker is full; try again later.' });
    expect(store.swarmCount).toBe(3);
    for (let p = 2; p <= 5; p++) store.announce(input({ port: p }), 0);
    expect(store.announce(input({ port: 6 }), 0).ok).toBe(false);
    expect(store.counts(hash(1).toString('hex')).incomplete).toBe(5);
    expect(store.announce(input({ infoHash: hash(2), port: 9 }), 0).ok).toBe(true); // the 8th peer
    expect(store.announce(input({ infoHash: hash(3), port: 9 }), 0).ok).toBe(false); // over 8 in total
    expect(store.peerCount).toBe(8);
  });

  it('refuses torrents missing from the allow-list', () => {
    const store = new SwarmStore(limits, new Set([hash(1).toString('hex')]));
    expect(store.announce(input({}), 0).ok).toBe(true);
    expect(store.announce(input({ infoHash: hash(2) }), 0)).toEqual({ ok: false, reason: 'This torrent is not registered with this tracker.' });
    expect(store.swarmCount).toBe(1);
  });
});
