import { describe, expect, it } from 'vitest';
import type { NodeInfo } from './compact';
import { ALPHA, lookup } from './lookup';
import { compareDistance, randomId } from './node-id';
import { K } from './routing-table';

/** A simulated network: every node knows 20 random others and answers with the 8 it knows closest to the target. */
function network(size: number) {
  const nodes: NodeInfo[] = Array.from({ length: size }, (_, i) => ({ id: randomId(), host: '10.0.0.1', port: 1000 + i }));
  const known = new Map(nodes.map((n) => [n.port, Array.from({ length: 20 }, () => nodes[Math.floor(Math.random() * size)]!)]));
  return { nodes, known };
}

describe('lookup', () => {
  it('converges on the K closest nodes with at most α queries in flight', async () => {
    const { nodes, known } = network(500);
    const target = randomId();
    let inFlight = 0;
    let peak = 0;
    const result = await lookup({
      target,
      seeds: nodes.slice(0, 3),
      ask: async (node) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        // Each node also knows the true closest ones (as a real, well-filled table would).
        const pool = [...known.get(node.port)!, ...[...nodes].sort((a, b) => compareDistance(node.id, a.id, b.id)).slice(1, 9)];
        return { nodes: pool.sort((a, b) => compareDistance(target, a.id, b.id)).slice(0, K) };
      },
    });
    expect(peak).toBeLessThanOrEqual(ALPHA);
    const truth = [...nodes].sort((a, b) => compareDistance(target, a.id, b.id)).slice(0, K);
    expect(result.closest.map((n) => n.port)).toEqual(truth.map((n) => n.port));
    expect(result.queries).toBeLessThan(120);
  });

  it('collects peers and tokens, reporting new peers as they come', async () => {
    const { nodes } = network(20);
    const heard: number[] = [];
    // Three nodes, all asked: ports 1000-1002 name peers 2, 3 and 1.
    const result = await lookup({
      target: randomId(),
      seeds: nodes.slice(0, 3),
      ask: async (node) => ({ values: [{ host: '1.1.1.1', port: 1 + (node.port % 3) }], token: Buffer.from([node.port & 255]) }),
      onPeers: (peers) => heard.push(...peers.map((p) => p.port)),
    });
    expect(result.peers.map((p) => p.port).sort()).toEqual([1, 2, 3]);
    expect(heard.sort()).toEqual([1, 2, 3]);
    expect(result.closest).toHaveLength(3);
    expect(result.closest.every((n) => n.token?.[0] === (n.port & 255))).toBe(true);
  });

  it('ends when every node fails, and skips failed nodes in the result', async () => {
    const { nodes } = network(12);
    const result = await lookup({ target: randomId(), seeds: nodes, ask: async (node) => (node.port % 2 ? undefined : {}) });
    expect(result.closest.every((n) => n.port % 2 === 0)).toBe(true);
    const none = await lookup({ target: randomId(), seeds: nodes, ask: async () => undefined });
    expect(none.closest).toHaveLength(0);
    expect(none.queries).toBe(12);
  });

  it('ends at once with nothing to ask', async () => {
    expect(await lookup({ target: randomId(), seeds: [], ask: async () => ({}) })).toEqual({ closest: [], peers: [], queries: 0 });
  });
});
