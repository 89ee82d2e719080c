import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { EventPayload } from '../../src-shared/contract';
import { nextStats, useTestSessions } from '../testing/test-sessions';
import { createTorrent } from './metainfo/create';

const sessions = useTestSessions('meters');

describe('Session meters, statistics and log', { timeout: 40_000 }, () => {
  it('graphs a download, counts it this session and all time across restarts and removal, and logs the finish with the name', async () => {
    // 1 MiB at 256 KiB/s: a few seconds of transfer for the samples to see.
    await mkdir(join(sessions.dir, 'seed'));
    await writeFile(join(sessions.dir, 'seed', 'blob.bin'), randomBytes(1 << 20));
    const data = await createTorrent(join(sessions.dir, 'seed', 'blob.bin'), { pieceLength: 16384 });
    const seeder = await sessions.start('seed');
    await seeder.setSettings({ speedLimit: { down: 0, up: 256 * 1024 } });
    const { infoHash: blob } = await seeder.addTorrent({ source: { kind: 'torrent', data } });
    await vi.waitFor(() => expect(seeder.torrent(blob)?.state).toBe('seeding'), { timeout: 10_000 });

    const leecher = await sessions.start('leech');
    const notices: EventPayload<'notice'>[] = [];
    leecher.onEvent((e) => e.name === 'notice' && notices.push(e.payload));
    await leecher.addTorrent({ source: { kind: 'torrent', data } });
    await leecher.addPeer({ infoHashes: [blob], address: `127.0.0.1:${seeder.listenPort}` });
    await vi.waitFor(() => expect(leecher.torrent(blob)?.state).toBe('seeding'), { timeout: 20_000 });
    const length = leecher.torrent(blob)!.metainfo.length;

    const overall = await leecher.getSpeedHistory({ infoHash: null, span: '5m' });
    expect(Math.max(...overall.down)).toBeGreaterThan(0);
    const own = await leecher.getSpeedHistory({ infoHash: blob, span: '5m' });
    expect(own.stepMs).toBe(1000);
    expect(Math.max(...own.down)).toBeGreaterThan(0);
    expect(Math.max(...(await seeder.getSpeedHistory({ infoHash: blob, span: '5m' })).up)).toBeGreaterThan(0);
    await expect(leecher.getSpeedHistory({ infoHash: 'cd'.repeat(20), span: '5m' })).rejects.toMatchObject({ code: 'not-found' });

    const stats = await nextStats(leecher);
    expect(stats.transfer?.session.downloaded).toBeGreaterThanOrEqual(length);
    expect(stats.transfer?.allTime).toEqual(stats.transfer?.session);

    const finished = notices.find((n) => n.kind === 'torrent-finished');
    expect(finished).toMatchObject({ infoHash: blob, name: 'blob.bin', id: expect.any(Number), at: expect.any(Number) });
    expect((await leecher.getLog()).entries).toContainEqual({ id: finished!.id, at: finished!.at, kind: 'torrent-finished', message: finished!.message, infoHash: blob, name: 'blob.bin' });

    // Removed, its bytes stay counted; after a restart they are all time, and this session starts at zero.
    const downloaded = stats.transfer!.session.downloaded;
    await leecher.remove({ infoHashes: [blob], deleteFiles: false });
    await sessions.stop(leecher);
    const again = await sessions.start('leech');
    const after = await nextStats(again);
    expect(after.transfer?.allTime.downloaded).toBe(downloaded);
    expect(after.transfer?.session).toEqual({ downloaded: 0, uploaded: 0 });
    await sessions.stop(seeder);
    const seedAgain = await sessions.start('seed');
    expect((await nextStats(seedAgain)).transfer?.allTime.uploaded).toBeGreaterThanOrEqual(length);
  });
});
