import { describe, expect, it, vi } from 'vitest';
import type { PeerAddress } from '../net/peer-address';
import { DhtAnnouncer, REANNOUNCE_MS, RETRY_EMPTY_MS } from './dht-announcer';
import type { DhtNode } from './dht-node';

/** A DHT node stand-in that records lookups and answers with the peers it is given. */
function fakeNode(peers: PeerAddress[]) {
  const calls: { kind: 'announce' | 'get_peers'; hash: string; port?: number }[] = [];
  const node = {
    announce: async (hash: Buffer, port: number, onPeers?: (p: PeerAddress[]) => void) => {
      calls.push({ kind: 'announce', hash: hash.toString('hex'), port });
      if (peers.length) onPeers?.(peers);
      return { peers, announced: 8 };
    },
    getPeers: async (hash: Buffer, onPeers?: (p: PeerAddress[]) => void) => {
      calls.push({ kind: 'get_peers', hash: hash.toString('hex') });
      if (peers.length) onPeers?.(peers);
      return { peers, closest: [], queries: 1 };
    },
  };
  return { node: node as unknown as DhtNode, calls };
}

describe('DhtAnnouncer', () => {
  it('announces at once, hands peers over, and again about every 30 minutes', async () => {
    vi.useFakeTimers();
    try {
      const { node, calls } = fakeNode([{ host: '1.2.3.4', port: 5 }]);
      const got: PeerAddress[] = [];
      const announcer = new DhtAnnouncer(node, () => 6881, () => Date.now());
      announcer.track('aa'.repeat(20), { announce: true, onPeers: (p) => got.push(...p) });
      await vi.advanceTimersByTimeAsync(10);
      expect(calls).toEqual([{ kind: 'announce', hash: 'aa'.repeat(20), port: 6881 }]);
      expect(got).toEqual([{ host: '1.2.3.4', port: 5 }]);
      await vi.advanceTimersByTimeAsync(REANNOUNCE_MS * 0.85);
      expect(calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(REANNOUNCE_MS * 0.3);
      expect(calls).toHaveLength(2);
      announcer.untrack('aa'.repeat(20));
      await vi.advanceTimersByTimeAsync(REANNOUNCE_MS * 2);
      expect(calls).toHaveLength(2);
      announcer.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('only looks while told not to announce, and retries sooner when nothing was found', async () => {
    vi.useFakeTimers();
    try {
      const { node, calls } = fakeNode([]);
      const announcer = new DhtAnnouncer(node, () => 6881, () => Date.now());
      announcer.track('bb'.repeat(20), { announce: false, onPeers: () => undefined });
      await vi.advanceTimersByTimeAsync(RETRY_EMPTY_MS * 1.15);
      expect(calls.map((c) => c.kind)).toEqual(['get_peers', 'get_peers']);
      // Then the wait doubles.
      await vi.advanceTimersByTimeAsync(RETRY_EMPTY_MS * 1.5);
      expect(calls).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(RETRY_EMPTY_MS * 0.8);
      expect(calls).toHaveLength(3);
      announcer.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('spreads many torrents over time: two lookups at once', async () => {
    let running = 0;
    let peak = 0;
    const node = {
      announce: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return { peers: [], announced: 0 };
      },
    } as unknown as DhtNode;
    const announcer = new DhtAnnouncer(node, () => 1);
    for (let i = 0; i < 10; i++) announcer.track(i.toString(16).padStart(40, '0'), { announce: true, onPeers: () => undefined });
    await new Promise((r) => setTimeout(r, 50));
    expect(peak).toBe(2);
    announcer.close();
  });
});
