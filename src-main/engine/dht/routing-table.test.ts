import { describe, expect, it } from 'vitest';
import { compareDistance, randomId, randomIdWithPrefix, sharedPrefixBits } from './node-id';
import { K, QUESTIONABLE_AFTER_MS, REFRESH_AFTER_MS, RoutingTable } from './routing-table';

let port = 1000;
const node = (id: Buffer) => ({ id, host: '10.0.0.1', port: port++ });

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('RoutingTable', () => {
  it('keeps K nodes a bucket and splits the bucket holding our own id', () => {
    const own = randomId();
    const table = new RoutingTable(own);
    // K far nodes (first bit differs) fill bucket 0; more far nodes are cached, not added.
    for (let i = 0; i < K; i++) expect(table.heard(node(randomIdWithPrefix(own, 0))).kind).toBe('added');
    expect(table.heard(node(randomIdWithPrefix(own, 0))).kind).toBe('cached');
    // Nodes nearer to us split the table, so they still find room.
    for (let bits = 1; bits <= 4; bits++) for (let i = 0; i < K; i++) expect(table.heard(node(randomIdWithPrefix(own, bits))).kind).toBe('added');
    expect(table.size).toBe(5 * K);
  });

  it('is bounded: thousands of offered nodes leave at most K per bucket', () => {
    const own = randomId();
    const table = new RoutingTable(own);
    for (let i = 0; i < 5000; i++) table.heard(node(randomId()));
    // About log2(5000) buckets of K: far below what was offered.
    expect(table.size).toBeLessThanOrEqual(25 * K);
  });

  it('returns the closest nodes to a target, closest first', () => {
    const table = new RoutingTable(randomId());
    const ids = Array.from({ length: 40 }, () => randomId());
    ids.forEach((id) => table.heard(node(id)));
    const target = randomId();
    const closest = table.closest(target, 8);
    expect(closest).toHaveLength(8);
    for (let i = 1; i < closest.length; i++) expect(compareDistance(target, closest[i - 1]!.id, closest[i]!.id)).toBeLessThan(0);
    const kept = table.nodes().map((n) => n.id);
    const best = [...kept].sort((a, b) => compareDistance(target, a, b))[0]!;
    expect(closest[0]!.id.equals(best)).toBe(true);
  });

  it('ages nodes from good to questionable and drops bad ones for cached replacements', () => {
    const c = clock();
    const own = randomId();
    const table = new RoutingTable(own, c.now);
    const far = Array.from({ length: K }, () => node(randomIdWithPrefix(own, 0)));
    far.forEach((n) => table.heard(n));
    expect(table.questionable()).toHaveLength(0);
    c.advance(QUESTIONABLE_AFTER_MS);
    expect(table.questionable()).toHaveLength(K);
    // A full bucket of questionable nodes: the newcomer waits and we are told whom to ping.
    const newcomer = node(randomIdWithPrefix(own, 0));
    const result = table.heard(newcomer);
    expect(result.kind).toBe('ping');
    const stale = result.kind === 'ping' ? result.node : far[0]!;
    table.failed(stale.id);
    const has = (id: Buffer) => table.nodes().some((n) => n.id.equals(id));
    expect(has(stale.id)).toBe(true); // one failure is not enough
    table.failed(stale.id);
    expect(has(stale.id)).toBe(false);
    expect(has(newcomer.id)).toBe(true);
  });

  it('refuses our own id, a moved id, and a second id on one address', () => {
    const own = randomId();
    const table = new RoutingTable(own);
    expect(table.heard({ id: own, host: '10.0.0.2', port: 1 }).kind).toBe('rejected');
    const id = randomId();
    table.heard({ id, host: '10.0.0.2', port: 5 });
    expect(table.heard({ id, host: '10.0.0.3', port: 5 }).kind).toBe('rejected');
    expect(table.heard({ id: randomId(), host: '10.0.0.2', port: 5 }).kind).toBe('rejected');
    expect(table.heard({ id, host: '10.0.0.2', port: 5 }).kind).toBe('updated');
  });

  it('names a target inside each stale bucket, once per refresh period', () => {
    const c = clock();
    const own = randomId();
    const table = new RoutingTable(own, c.now);
    for (let i = 0; i < 3 * K; i++) table.heard(node(randomId()));
    expect(table.refreshTargets()).toHaveLength(0);
    c.advance(REFRESH_AFTER_MS);
    const targets = table.refreshTargets();
    // One target a bucket: bucket i's shares exactly i leading bits with us.
    expect(targets.length).toBeGreaterThan(1);
    expect(targets.map((t) => sharedPrefixBits(own, t))).toEqual(targets.map((_, i) => i));
    expect(table.refreshTargets()).toHaveLength(0);
  });
});
