import { describe, expect, it } from 'vitest';
import { compactPeerCount, samplePeers, writeCompactPeers } from './peer-list';
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
  ...over,
});

describe('SwarmStore', () => {
  it('tells seeders from leechers by left, counts completed, removes on stopped', () => {
    const store = new SwarmStore(limits);
    store.announce(input({ port: 1 }), 0);
    store.announce(input({ port: 2, left: 0 }), 0);
    expect(store.counts(hash(1))).toEqual({ complete: 1, incomplete: 1, downloaded: 0 });
    store.announce(input({ port: 1, left: 0, event: 'completed' }), 0);
    expect(store.counts(hash(1))).toEqual({ complete: 2, incomplete: 0, downloaded: 1 });
    store.announce(input({ port: 1, event: 'stopped' }), 0);
    expect(store.counts(hash(1))).toEqual({ complete: 1, incomplete: 0, downloaded: 1 });
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
      expect(out.list).toBe(out.swarm.v4);
      const slots = samplePeers(out.list, out.self, want);
      expect(slots).toHaveLength(expected);
      expect(new Set(slots).size).toBe(expected);
      expect(slots).not.toContain(out.self);
      const count = compactPeerCount(out.list, out.self, want);
      const bytes = Buffer.alloc(count * 6);
      expect(writeCompactPeers(out.list, out.self, want, bytes, 0)).toBe(expected);
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
    writeCompactPeers(out.list, out.self, 50, bytes, 0);
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
    expect(out.swarm.v4.count).toBe(1);
    const bytes = Buffer.alloc(18);
    expect(writeCompactPeers(out.swarm.v6, -1, 50, bytes, 0)).toBe(1);
    expect(bytes).toEqual(Buffer.concat([v6, Buffer.from([0, 6])]));
  });

  it('expires peers not heard from within the timeout, and only those', () => {
    const store = new SwarmStore(limits);
    store.announce(input({ port: 1 }), 0);
    store.announce(input({ port: 2 }), 500);
    store.announce(input({ port: 1, event: 'none' }), 900); // refreshed: no longer the oldest
    expect(store.sweep(1600)).toBe(1);
    expect(store.counts(hash(1)).incomplete).toBe(1);
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
    expect(store.counts(hash(1)).incomplete).toBe(5);
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

describe('SwarmStore against a model', () => {
  it('keeps counts, peers and their compact entries right through random announces, stops and sweeps', () => {
    const store = new SwarmStore({ maxSwarms: 100, maxPeersPerSwarm: 1000, maxPeers: 10_000, peerTimeoutMs: 50 });
    const model = new Map<number, Map<string, { seeder: boolean; seen: number }>>();
    let now = 0;
    let swept = 0;
    for (let step = 0; step < 5000; step++) {
      now += 1;
      const t = step % 7;
      const v6 = step % 3 === 0;
      const ip = v6 ? Buffer.from(`20010db8${'0'.repeat(22)}${(step % 5).toString(16).padStart(2, '0')}`, 'hex') : Buffer.from([10, 0, 0, step % 5]);
      const port = 1 + ((step * 7919) % 40);
      const key = `${ip.toString('hex')}:${port}`;
      const event = step % 11 === 0 ? 'stopped' : 'none';
      const seeder = step % 4 === 0;
      store.announce(input({ infoHash: hash(t), ip, port, left: seeder ? 0 : 5, event }), now);
      const peers = model.get(t) ?? new Map<string, { seeder: boolean; seen: number }>();
      if (event === 'stopped') peers.delete(key);
      else peers.set(key, { seeder, seen: now });
      model.set(t, peers);
      if (step % 500 === 499) {
        swept += store.sweep(now);
        for (const m of model.values()) for (const [k, p] of m) if (p.seen <= now - 50) m.delete(k);
      }
    }
    let total = 0;
    for (const [t, peers] of model) {
      total += peers.size;
      const seeders = [...peers.values()].filter((p) => p.seeder).length;
      expect(store.counts(hash(t))).toMatchObject({ complete: seeders, incomplete: peers.size - seeders });
      const swarm = store.swarmOf(hash(t));
      if (peers.size === 0) continue;
      const listed = new Set<string>();
      for (const list of [swarm!.v4, swarm!.v6]) {
        const bytes = Buffer.alloc(list.count * list.size);
        writeCompactPeers(list, -1, 10_000, bytes, 0);
        for (let at = 0; at < bytes.length; at += list.size) listed.add(`${bytes.toString('hex', at, at + list.size - 2)}:${bytes.readUInt16BE(at + list.size - 2)}`);
      }
      expect(listed).toEqual(new Set(peers.keys()));
    }
    expect(store.peerCount).toBe(total);
    expect(swept).toBeGreaterThan(0);
  });
});
