import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PieceOrder } from './piece-order';

describe('PieceOrder', () => {
  it('stays sorted by key through any sequence of key changes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(9)), { maxLength: 200 }),
        (size, changes) => {
          const keys = Array.from({ length: size }, (_, i) => (i * 7) % 10);
          const order = new PieceOrder(size, 10, (i) => keys[i]!, Math.random);
          for (const [who, key] of changes) {
            const i = who % size;
            keys[i] = key;
            order.setKey(i, key);
          }
          const seen = [...order.order];
          expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: size }, (_, i) => i));
          for (let p = 1; p < size; p++) expect(keys[seen[p - 1]!]!).toBeLessThanOrEqual(keys[seen[p]!]!);
          for (let k = 0; k <= 10; k++) expect(order.countBelow(k)).toBe(keys.filter((v) => v < k).length);
          for (let i = 0; i < size; i++) expect(order.keyOf(i)).toBe(keys[i]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('breaks ties at random', () => {
    const firsts = new Set<number>();
    for (let run = 0; run < 30; run++) firsts.add(new PieceOrder(50, 1, () => 0, Math.random).order[0]!);
    expect(firsts.size).toBeGreaterThan(5);
  });
});
