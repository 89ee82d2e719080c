import { describe, expect, it } from 'vitest';
import type { ShareLimits } from '../../../src-shared/contract';
import { sameShareLimits, shareLimitReached, shareRatio } from './share-limits';

const none: ShareLimits = { ratio: null, seedingTimeMinutes: null, inactiveSeedingTimeMinutes: null, match: 'any', action: 'pause' };
const figures = (ratio: number, seedingSeconds = 0, inactiveSeconds = 0) => ({ ratio, seedingSeconds, inactiveSeconds });

describe('shareRatio', () => {
  it('divides by what was downloaded', () => {
    expect(shareRatio({ uploaded: 300, downloaded: 200 }, 1000)).toBe(1.5);
  });

  it('divides by the bytes held when nothing was downloaded, so a seeder reaches 1 at exactly its size', () => {
    expect(shareRatio({ uploaded: 999, downloaded: 0 }, 1000)).toBeLessThan(1);
    expect(shareRatio({ uploaded: 1000, downloaded: 0 }, 1000)).toBe(1);
  });

  it('is 0 for a torrent with nothing', () => {
    expect(shareRatio({ uploaded: 0, downloaded: 0 }, 0)).toBe(0);
  });
});

describe('shareLimitReached', () => {
  it('never stops a torrent without limits', () => {
    expect(shareLimitReached(none, figures(1e9, 1e9, 1e9))).toBe(false);
  });

  it('stops at the ratio, not before', () => {
    const limits = { ...none, ratio: 1 };
    expect(shareLimitReached(limits, figures(0.999))).toBe(false);
    expect(shareLimitReached(limits, figures(1))).toBe(true);
  });

  it('counts seeding time and inactive seeding time in minutes, fractions allowed', () => {
    expect(shareLimitReached({ ...none, seedingTimeMinutes: 0.25 }, figures(0, 14))).toBe(false);
    expect(shareLimitReached({ ...none, seedingTimeMinutes: 0.25 }, figures(0, 15))).toBe(true);
    expect(shareLimitReached({ ...none, inactiveSeedingTimeMinutes: 2 }, figures(0, 1000, 119))).toBe(false);
    expect(shareLimitReached({ ...none, inactiveSeedingTimeMinutes: 2 }, figures(0, 1000, 120))).toBe(true);
  });

  it('with match any, one reached limit is enough', () => {
    const limits: ShareLimits = { ...none, ratio: 2, seedingTimeMinutes: 10, match: 'any' };
    expect(shareLimitReached(limits, figures(2, 0))).toBe(true);
    expect(shareLimitReached(limits, figures(0, 600))).toBe(true);
    expect(shareLimitReached(limits, figures(1, 599))).toBe(false);
  });

  it('with match all, every set limit must be reached', () => {
    const limits: ShareLimits = { ...none, ratio: 2, seedingTimeMinutes: 10, match: 'all' };
    expect(shareLimitReached(limits, figures(2, 0))).toBe(false);
    expect(shareLimitReached(limits, figures(0, 600))).toBe(false);
    expect(shareLimitReached(limits, figures(2, 600))).toBe(true);
  });
});

describe('sameShareLimits', () => {
  it('tells a changed limit or action from the same one', () => {
    expect(sameShareLimits({ ...none, ratio: 1 }, { ...none, ratio: 1 })).toBe(true);
    expect(sameShareLimits({ ...none, ratio: 1 }, { ...none, ratio: 2 })).toBe(false);
    expect(sameShareLimits(none, { ...none, action: 'remove' })).toBe(false);
    expect(sameShareLimits(none, { ...none, match: 'all' })).toBe(false);
  });
});
