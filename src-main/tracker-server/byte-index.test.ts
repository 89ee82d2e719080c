import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteIndex } from './byte-index';

describe('ByteIndex', () => {
  it('agrees with a Map through any mix of sets, updates and deletes (keys crowded into few buckets)', () => {
    const op = fc.record({ kind: fc.constantFrom('set', 'delete', 'get'), key: fc.integer({ min: 0, max: 199 }), value: fc.nat() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), (ops) => {
        const index = new ByteIndex(3);
        const model = new Map<number, number>();
        const key = Buffer.alloc(5);
        for (const { kind, key: k, value } of ops) {
          key.writeUIntBE(k, 1, 3); // at offset 1: keys are read in place
          if (kind === 'set') {
            index.set(key, 1, value);
            model.set(k, value);
          } else if (kind === 'delete') {
            expect(index.delete(key, 1)).toBe(model.delete(k));
          }
          expect(index.get(key, 1)).toBe(model.get(k) ?? -1);
        }
        expect(index.size).toBe(model.size);
        for (const [k, v] of model) {
          key.writeUIntBE(k, 1, 3);
          expect(index.get(key, 1)).toBe(v);
        }
      }),
      { numRuns: 200 },
    );
  });
});
