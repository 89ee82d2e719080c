import { describe, expect, it } from 'vitest';
import { compactPeerCount, samplePeers, SwarmStore, writeCompactPeers, type AnnounceInput } from './swarm-store';

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

  it('samples a window of distinct peers that excludes the requester, in both list forms', () => {
    const store = new SwarmStore({ ...limits, maxPeersPerSwarm: 100, maxPeers: 100 });
    for (let p = 1; p <= 30; p++) store.announce(input({ port: p }), 0);
    for (let trial = 0; trial < 200; trial++) {
      const self = 1 + (trial % 30);
      const want = trial % 35;
      const out = store.announce(input({ port: self, event: 'none' }), 0);
      if (!out.ok) throw new Error(out.reason);
      const expected = Math.min(want, 29);
      const entries = samplePeers(out.swarm.v4, out.self, want);
      expect(entries).toHaveLength(expected);
      expect(new Set(entries).size).toBe(expected);
      expect(entries).not.toContain(out.self);
      const count = compactPeerCount(out.swarm.v4, out.self, want);
      const bytes = Buffer.alloc(count * 6);
      expect(writeCompactPeers(out.swarm.v4, out.self, want, bytes, 0)).toBe(expected);
      const ports = Array.from({ length: count }, (_, i) => bytes.readUInt16BE(i * 6 + 4));
      expect(new Set(ports).size).toBe(expected);
      expect(ports).not.toContain(self);
      expect(ports.every((p) => p >= 1 && p <= 30)).toBe(true);
    }
  });

  it('keeps compact addresses in step with entries when peers leave', () => {
    const store = new SwarmStore({ ...limits, maxPeersPerSwarm: 100, maxPeers: 100 });
    for (let p = 1; p <= 10; p++) store.announce(input({ port: p }), 0);
    for (const p of [1, 5, 10]) store.announce(input({ port: p, event: 'stopped' }), 0);
    const out = store.announce(input({ port: 99 }), 0);
    if (!out.ok) throw new Error(out.reason);
    const bytes = Buffer.alloc(8 * 6);
    writeCompactPeers(out.swarm.v4, out.self, 50, bytes, 0);
    const ports = Array.from({ length: 7 }, (_, i) => bytes.readUInt16BE(i * 6 + 4)).sort((a, b) => a - b);
    expect(ports).toEqual([2, 3, 4, 6, 7, 8, 9]);
  });

  it('gives IPv6 peers in their own list', () => {
    const store = new SwarmStore(limits);
    const v6 = Buffer.alloc(16, 0);
    v6[15] = 1;
    store.announce(input({ ip: v6, port: 6 }), 0);
    const out = store.announce(input({ port: 4 }), 0);
    if (!out.ok) throw new Error(out.reason);
    expect(out.swarm.v4.entries).toHaveLength(1);
    const bytes = Buffer.alloc(18);
    expect(writeCompactPeers(out.swarm.v6, out.self, 50, bytes, 0)).toBe(1);
    expect(bytes).toEqual(Buffer.concat([v6, Buffer.from([0, 6])]));
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
