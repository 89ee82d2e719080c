import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startRecordingTracker, type RecordingTracker } from '../testing/recording-tracker';
import { readTorrent } from '../testing/shared-fixtures';
import { alice, useTestSessions } from '../testing/test-sessions';

let tracker: RecordingTracker;

beforeEach(async () => {
  tracker = await startRecordingTracker();
});
afterEach(async () => {
  await tracker.stop();
});
// After the tracker's afterEach, so the sessions close (telling it 'stopped') before it stops.
const sessions = useTestSessions('trackers');

const events = () => tracker.announces.filter((a) => a.infoHash === alice).map((a) => a.event);

describe('Session trackers', { timeout: 20_000 }, () => {
  it('adds a tracker (asked at once), reannounces on demand, removes it (told stopped), and keeps the edit across a restart', async () => {
    const first = await sessions.start();
    await first.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') } });
    const original = first.torrent(alice)!.metainfo.trackers;
    await first.setTrackers({ infoHash: alice, tiers: [...original.map((tier) => [...tier]), [tracker.url]] });
    await vi.waitFor(() => expect(events()).toEqual(['started']));
    // Reannounce once the tracker has answered, as a user who sees it answer does: a tracker still
    // being asked is not asked twice at once, and under load its answer can lag its record.
    const answered = () => first.torrent(alice)!.announcer.statuses().find((s) => s.url === tracker.url)?.state;
    await vi.waitFor(() => expect(answered()).toBe('working'), { timeout: 10_000 });
    await first.reannounce({ infoHashes: [alice] });
    await vi.waitFor(() => expect(events()).toEqual(['started', '']), { timeout: 10_000 });
    expect(first.torrent(alice)!.magnetLink).toContain(encodeURIComponent(tracker.url));

    await first.setTrackers({ infoHash: alice, tiers: [[tracker.url]] });
    await sessions.stop(first);
    expect(events().at(-1)).toBe('stopped');

    const second = await sessions.start();
    expect(second.torrent(alice)!.announcer.tiers).toEqual([[tracker.url]]);
    await vi.waitFor(() => expect(events().at(-1)).toBe('started'), { timeout: 10_000 });
  });

  it('refuses unknown torrents', async () => {
    const session = await sessions.start();
    await expect(session.setTrackers({ infoHash: alice, tiers: [] })).rejects.toMatchObject({ code: 'not-found' });
    await expect(session.reannounce({ infoHashes: [alice] })).rejects.toMatchObject({ code: 'not-found' });
  });
});
