import { describe, expect, it } from 'vitest';
import { Choker, type ChokeCandidate } from './choker';

const peer = (id: string, down: number, up = 0, extra: Partial<ChokeCandidate> = {}): ChokeCandidate => ({
  id,
  interested: true,
  downRate: down,
  upRate: up,
  isNew: false,
  isSeed: false,
  ...extra,
});

describe('Choker', () => {
  it('gives the regular slots to the peers we download fastest from, plus one optimistic', () => {
    const choker = new Choker({ slots: 2, optimisticEvery: 3, random: () => 0 });
    const result = choker.rechoke([peer('a', 10), peer('b', 50), peer('c', 30), peer('d', 5)], false);
    expect(result.has('b') && result.has('c')).toBe(true);
    expect(result.size).toBe(3);
    expect(['a', 'd']).toContain(choker.optimistic);
  });

  it('ranks by upload rate when seeding', () => {
    const choker = new Choker({ slots: 1, optimisticEvery: 3, random: () => 0.99 });
    const result = choker.rechoke([peer('a', 0, 100), peer('b', 0, 10), peer('c', 0, 50)], true);
    expect(result.has('a')).toBe(true);
    expect(result.size).toBe(2);
  });

  it('never unchokes an uninterested peer', () => {
    const choker = new Choker({ slots: 4, optimisticEvery: 3 });
    const result = choker.rechoke([peer('a', 10, 0, { interested: false }), peer('b', 1)], false);
    expect([...result]).toEqual(['b']);
  });

  it('keeps the optimistic peer between rotations and rotates on schedule', () => {
    let r = 0;
    const choker = new Choker({ slots: 0, optimisticEvery: 3, random: () => r });
    const peers = [peer('a', 0), peer('b', 0), peer('c', 0)];
    choker.rechoke(peers, false);
    expect(choker.optimistic).toBe('a');
    r = 0.99;
    choker.rechoke(peers, false);
    choker.rechoke(peers, false);
    expect(choker.optimistic).toBe('a');
    choker.rechoke(peers, false);
    expect(choker.optimistic).toBe('c');
  });

  it('prefers new peers three to one for the optimistic slot', () => {
    const choker = new Choker({ slots: 0, optimisticEvery: 1, random: () => 0.5 });
    // weights: old 1, new 3 → total 4; 0.5 × 4 = 2 lands inside the new peer's share.
    choker.rechoke([peer('old', 0), peer('new', 0, 0, { isNew: true })], false);
    expect(choker.optimistic).toBe('new');
  });

  it('gives no slot to a connected seed while we download', () => {
    const choker = new Choker({ slots: 4, optimisticEvery: 3 });
    expect(choker.rechoke([peer('s', 100, 0, { isSeed: true })], false).size).toBe(0);
  });
});
