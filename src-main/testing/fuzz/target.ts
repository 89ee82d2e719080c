import { errorCodes, type ErrorCode } from '../../../src-shared/errors';

/**
 * One fuzz target: a file in `targets/` whose default export is this. `fuzz` feeds one input to the
 * code under test; it may throw the code's own typed error (a refusal), anything else is a finding.
 */
export interface FuzzTarget {
  fuzz(data: Uint8Array): void | Promise<void>;
  /** Tokens the mutator splices in (bencode keys, URI parameters…), one character per byte. */
  readonly dictionary?: readonly string[];
  /** Inputs are never grown past this (default 4 KiB). */
  readonly maxInputBytes?: number;
  /** One input taking longer than this is a finding (default 2 s: room for a busy machine). */
  readonly maxMsPerInput?: number;
  /** The worker's V8 heap budget (default 256 MiB); running out is a finding. */
  readonly maxHeapMb?: number;
  /** Whether a thrown value is the code's own refusal (default: a ShoalError). */
  isRefusal?(err: unknown): boolean;
}

/**
 * The target's bundle has its own copy of the ShoalError class, so the default check is by shape
 * (name and a known code), not by `instanceof` against the worker's copy.
 */
export function isRefusal(target: FuzzTarget, err: unknown): boolean {
  if (target.isRefusal) return target.isRefusal(err);
  return err instanceof Error && err.name === 'ShoalError' && errorCodes.includes((err as Error & { code: ErrorCode }).code);
}
