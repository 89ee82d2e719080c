import { describe, expect, it } from 'vitest';
import { bytesSchema, piecesInfoSchema, torrentSummarySchema } from './data';
import { events } from './events';

const hash = '0123456789abcdef0123456789abcdef01234567';

function summary(overrides: Record<string, unknown> = {}) {
  return {
    infoHash: hash,
    name: 'ubuntu.iso',
    length: 1000,
    wanted: 1000,
    progress: 0.5,
    state: 'downloading',
    downRate: 10,
    upRate: 0,
    downloaded: 500,
    uploaded: 0,
    ratio: 0,
    eta: 50,
    peers: { connected: 2, seeds: 1 },
    swarm: { seeders: null, leechers: 3, completed: null },
    addedAt: 1_700_000_000_000,
    error: null,
    trackerError: null,
    stalled: false,
    limitReached: false,
    savePath: '/downloads',
    queuePosition: null,
    ...overrides,
  };
}

describe('data schemas', () => {
  it('accept a torrent summary', () => {
    expect(torrentSummarySchema.parse(summary())).toEqual(summary());
  });

  it.each([
    ['progress above 1', { progress: 1.5 }],
    ['negative rate', { downRate: -1 }],
    ['infinite rate', { downRate: Number.POSITIVE_INFINITY }],
    ['unknown state', { state: 'stalled' }],
    ['fractional count', { downloaded: 1.5 }],
    ['missing peers', { peers: undefined }],
  ])('refuse a summary with %s', (_label, overrides) => {
    expect(torrentSummarySchema.safeParse(summary(overrides)).success).toBe(false);
  });

  it('check byte arrays by tag and size', () => {
    const schema = bytesSchema(4);
    expect(schema.safeParse(new Uint8Array(4)).success).toBe(true);
    expect(schema.safeParse(new Uint8Array(5)).success).toBe(false);
    expect(schema.safeParse(new Uint16Array(2)).success).toBe(false);
    expect(schema.safeParse([0, 0]).success).toBe(false);
    expect(schema.safeParse('abcd').success).toBe(false);
  });

  it('require pieces arrays to match the piece count', () => {
    const ok = { pieceCount: 10, have: new Uint8Array(2), downloading: new Uint8Array(2), availability: new Uint8Array(10) };
    expect(piecesInfoSchema.safeParse(ok).success).toBe(true);
    expect(piecesInfoSchema.safeParse({ ...ok, have: new Uint8Array(3) }).success).toBe(false);
    expect(piecesInfoSchema.safeParse({ ...ok, availability: new Uint8Array(9) }).success).toBe(false);
  });

  it('validate event payloads', () => {
    expect(events.torrents.safeParse({ full: true, changed: [summary()], removed: [] }).success).toBe(true);
    expect(events.torrents.safeParse({ full: true, changed: [summary({ name: 5 })], removed: [] }).success).toBe(false);
    expect(events.notice.safeParse({ kind: 'error', message: 'disk full', code: 'disk-full' }).success).toBe(true);
    expect(events.notice.safeParse({ kind: 'error', message: 'x', code: 'made-up' }).success).toBe(false);
  });
});
