import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

const MiB = 1024 * 1024;

/** What the cap needs from V8 (a test plays the heap through it). */
interface YoungGenerationControls {
  /** Bytes the young generation has committed now (both semi-spaces). */
  committed(): number;
  /** Stops it growing from now on. */
  stopGrowth(): void;
  /** Calls `onScavenge` after each young-generation collection until the returned stop is called. */
  watch(onScavenge: () => void): () => void;
}

const v8Controls: YoungGenerationControls = {
  committed: () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0,
  // Read each time the young generation would grow (unlike its maximum, read once when the
  // isolate is made), so setting it now still holds.
  stopGrowth: () => setFlagsFromString('--semi-space-growth-factor=1'),
  watch(onScavenge) {
    const observer = new PerformanceObserver((list) => {
      // A gc entry's `detail.kind` says which collection ran (Node 20's types do not name it).
      const scavenged = list.getEntries().some((e) => (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR);
      if (scavenged) onScavenge();
    });
    observer.observe({ entryTypes: ['gc'] });
    return () => observer.disconnect();
  },
};

/**
 * Holds this thread's young generation at `semiSpaceMiB` per semi-space, for an engine running on
 * a thread whose isolate was made without `resourceLimits` (the CLI's). V8 grows it by doubling,
 * up to 16 MiB per semi-space; measured on a 1 GiB download, 8 MiB costs no more promotions than
 * 16 and ~9 MiB less peak RSS, while 4 or 1 MiB promote per-block objects and cost more old
 * generation than they save. The growth stops at the first scavenge that finds it at the size.
 */
export function capYoungGeneration(semiSpaceMiB: number, controls: YoungGenerationControls = v8Controls): void {
  const limit = 2 * semiSpaceMiB * MiB;
  if (controls.committed() >= limit) {
    controls.stopGrowth();
    return;
  }
  const stop = controls.watch(() => {
    if (controls.committed() < limit) return;
    controls.stopGrowth();
    stop();
  });
}
