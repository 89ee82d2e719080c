/** What the fuzz runner and its worker tell each other. */

export const defaultBudget = { maxInputBytes: 4096, maxMsPerInput: 2000, maxHeapMb: 256 } as const;
/** The shared buffer holds the input being run, so a hang or a crash of the worker still names it. */
export const maxSharedInput = 1 << 20;
const header = 16;

export interface WorkerInput {
  readonly bundle: string;
  readonly corpus: readonly Uint8Array[];
  readonly seconds: number;
  /** Stop after this many inputs even if time is left (a deterministic run with a fixed seed). */
  readonly maxInputs: number;
  readonly seed: number;
  readonly shared: SharedArrayBuffer;
}

export type FindingKind = 'crash' | 'slow' | 'memory' | 'hang';

export type WorkerReport =
  | { type: 'finding'; kind: FindingKind; input: Uint8Array; message: string; execs: number }
  | { type: 'new-input'; input: Uint8Array }
  | { type: 'done'; execs: number; corpus: number; seeds: number; features: number };

export function createShared(): SharedArrayBuffer {
  return new SharedArrayBuffer(header + maxSharedInput);
}

/** Marks `data` as running since now, or nothing as running. */
export function publishInput(shared: SharedArrayBuffer, data: Uint8Array | undefined): void {
  const state = new Int32Array(shared, 0, 2);
  const since = new Float64Array(shared, 8, 1);
  if (!data) {
    Atomics.store(state, 0, 0);
    return;
  }
  const length = Math.min(data.length, maxSharedInput);
  new Uint8Array(shared, header, length).set(data.subarray(0, length));
  since[0] = Date.now();
  Atomics.store(state, 1, length);
  Atomics.store(state, 0, 1);
}

/** The input running now and since when, if any. */
export function runningInput(shared: SharedArrayBuffer): { input: Uint8Array; since: number } | undefined {
  const state = new Int32Array(shared, 0, 2);
  if (Atomics.load(state, 0) !== 1) return undefined;
  const length = Atomics.load(state, 1);
  return { input: new Uint8Array(shared, header, length).slice(), since: new Float64Array(shared, 8, 1)[0]! };
}
