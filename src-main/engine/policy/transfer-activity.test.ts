import { describe, expect, it } from 'vitest';
import type { TorrentState } from '../../../src-shared/contract';
import { TransferActivity, type ActivitySource } from './transfer-activity';

const t0 = 1_000_000;
const torrent = (state: TorrentState, uploaded = 0, downloaded = 0): ActivitySource => ({ infoHash: 'a'.repeat(40), state, totals: { uploaded, downloaded } });

describe('TransferActivity', () => {
  it('calls a running torrent stalled once no data moved for the stalled minutes', () => {
    const a = new TransferActivity();
    a.sample(torrent('downloading', 0, 100), t0);
    expect(a.stalled(torrent('downloading', 0, 100), 1, t0 + 59_999)).toBe(false);
    expect(a.stalled(torrent('downloading', 0, 100), 1, t0 + 60_000)).toBe(true);
    a.sample(torrent('downloading', 0, 200), t0 + 60_000);
    expect(a.stalled(torrent('downloading', 0, 200), 1, t0 + 60_000)).toBe(false);
  });

  it('never calls a torrent stalled with 0 minutes, or one that is not trading', () => {
    const a = new TransferActivity();
    a.sample(torrent('downloading'), t0);
    expect(a.stalled(torrent('downloading'), 0, t0 + 1e9)).toBe(false);
    expect(a.stalled(torrent('queued'), 1, t0 + 1e9)).toBe(false);
    expect(a.stalled(torrent('checking'), 1, t0 + 1e9)).toBe(false);
  });

  it('gives a torrent let in again the whole stalled time', () => {
    const a = new TransferActivity();
    a.sample(torrent('downloading'), t0);
    a.sample(torrent('queued'), t0 + 30_000);
    a.sample(torrent('downloading'), t0 + 120_000);
    expect(a.stalled(torrent('downloading'), 1, t0 + 150_000)).toBe(false);
    expect(a.stalled(torrent('downloading'), 1, t0 + 180_000)).toBe(true);
  });

  it('counts inactive seeding from the last upload, or from when seeding began', () => {
    const a = new TransferActivity();
    const hash = torrent('seeding').infoHash;
    a.sample(torrent('downloading', 0, 500), t0);
    expect(a.inactiveSeedingSeconds(hash, t0 + 10_000)).toBe(0);
    a.sample(torrent('seeding', 0, 1000), t0 + 10_000);
    expect(a.inactiveSeedingSeconds(hash, t0 + 40_000)).toBe(30);
    a.sample(torrent('seeding', 64, 1000), t0 + 40_000);
    expect(a.inactiveSeedingSeconds(hash, t0 + 45_000)).toBe(5);
    a.sample(torrent('paused', 64, 1000), t0 + 50_000);
    expect(a.inactiveSeedingSeconds(hash, t0 + 100_000)).toBe(0);
  });

  it('calls a download stalled when nothing came in for the time given, whatever went out', () => {
    const a = new TransferActivity();
    a.sample(torrent('downloading', 0, 100), t0);
    a.sample(torrent('downloading', 50, 100), t0 + 20_000);
    expect(a.downloadStalled(torrent('downloading', 50, 100), 30_000, t0 + 29_999)).toBe(false);
    expect(a.downloadStalled(torrent('downloading', 50, 100), 30_000, t0 + 30_000)).toBe(true);
    a.sample(torrent('downloading', 50, 200), t0 + 31_000);
    expect(a.downloadStalled(torrent('downloading', 50, 200), 30_000, t0 + 31_000)).toBe(false);
    expect(a.downloadStalled(torrent('seeding', 50, 200), 30_000, t0 + 1e9)).toBe(false);
  });
});
