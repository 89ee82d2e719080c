import { ShoalError } from '../../src-shared/errors';

/** Binary multiples, as aria2 and wget read them: K is 1024 bytes, M 1024². */
const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
/** The contract's bound on a speed limit. */
const MAX_RATE = 2 ** 40;

/**
 * A speed given on the command line in bytes a second: `500000`, `512K`, `1M`, `1.5MiB`, `2MB/s`
 * (K, M and G are binary multiples; a trailing `B`, `iB` or `/s` changes nothing). 0 means no limit.
 */
export function parseRate(option: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?(?:\/s)?$/i.exec(text.trim());
  const value = m ? Number(m[1]) * UNITS[m[2]!.toLowerCase()]! : NaN;
  if (!Number.isFinite(value) || value > MAX_RATE || (value > 0 && value < 1)) {
    throw new ShoalError('invalid-input', `${option} must be a speed in bytes a second such as 500K, 1M or 1.5MiB (0 for none), not "${text}"`);
  }
  return Math.round(value);
}
