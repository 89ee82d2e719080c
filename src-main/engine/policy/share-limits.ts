import type { ShareLimits } from '../../../src-shared/contract';

/** When seeding should stop: pure figures in, a yes or no out. */

export interface ShareTotals {
  readonly uploaded: number;
  readonly downloaded: number;
}

/**
 * Uploaded over downloaded. A torrent seeded from data already on disk downloaded nothing, so
 * it counts the bytes it has instead: such a seeder reaches ratio 1 at exactly its size uploaded.
 */
export function shareRatio(totals: ShareTotals, bytesDone: number): number {
  const base = totals.downloaded > 0 ? totals.downloaded : bytesDone;
  return base > 0 ? totals.uploaded / base : 0;
}

/** Where a seeding torrent stands against its share limits. */
export interface SeedingFigures {
  readonly ratio: number;
  /** Seconds spent seeding over the torrent's whole life. */
  readonly seedingSeconds: number;
  /** Seconds seeding since the last byte uploaded (or since seeding began). */
  readonly inactiveSeconds: number;
}

/**
 * True once the limits say seeding is over: with `match: 'any'` when one set limit is reached,
 * with `'all'` when every set limit is. No limit set means never.
 */
export function shareLimitReached(limits: ShareLimits, figures: SeedingFigures): boolean {
  const checks: boolean[] = [];
  if (limits.ratio !== null) checks.push(figures.ratio >= limits.ratio);
  if (limits.seedingTimeMinutes !== null) checks.push(figures.seedingSeconds >= limits.seedingTimeMinutes * 60);
  if (limits.inactiveSeedingTimeMinutes !== null) checks.push(figures.inactiveSeconds >= limits.inactiveSeedingTimeMinutes * 60);
  if (checks.length === 0) return false;
  return limits.match === 'any' ? checks.some(Boolean) : checks.every(Boolean);
}

/** Whether two sets of limits are the same (a user's "keep seeding" stands until they change). */
export function sameShareLimits(a: ShareLimits, b: ShareLimits): boolean {
  return (
    a.ratio === b.ratio &&
    a.seedingTimeMinutes === b.seedingTimeMinutes &&
    a.inactiveSeedingTimeMinutes === b.inactiveSeedingTimeMinutes &&
    a.match === b.match &&
    a.action === b.action
  );
}
