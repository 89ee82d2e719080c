import { describe, expect, it } from 'vitest';
import { capYoungGeneration } from './young-generation-cap';

const MiB = 1024 * 1024;

/** A young generation that doubles at each scavenge, as V8's does while objects survive. */
function fakeHeap(startMiB: number) {
  const heap = {
    committed: startMiB * MiB,
    growing: true,
    watching: 0,
    scavenge: (): void => undefined,
  };
  const controls: Parameters<typeof capYoungGeneration>[1] = {
    committed: () => heap.committed,
    stopGrowth: () => {
      heap.growing = false;
    },
    watch: (onScavenge) => {
      heap.watching++;
      heap.scavenge = () => {
        if (heap.growing) heap.committed *= 2;
        onScavenge();
      };
      return () => {
        heap.watching--;
        heap.scavenge = () => {
          if (heap.growing) heap.committed *= 2;
        };
      };
    },
  };
  return { heap, controls };
}

describe('capYoungGeneration', () => {
  it('lets the young generation grow to the size asked for, then stops its growth and stops watching', () => {
    const { heap, controls } = fakeHeap(2);
    capYoungGeneration(8, controls);
    expect(heap.watching).toBe(1);
    for (let i = 0; i < 10; i++) heap.scavenge();
    // Two semi-spaces of 8 MiB: grown 2 → 4 → 8 → 16 MiB committed, and no further.
    expect(heap.committed).toBe(16 * MiB);
    expect(heap.growing).toBe(false);
    expect(heap.watching).toBe(0);
  });

  it('stops the growth at once when the young generation is already that large', () => {
    const { heap, controls } = fakeHeap(32);
    capYoungGeneration(8, controls);
    expect(heap.growing).toBe(false);
    expect(heap.watching).toBe(0);
  });
});
