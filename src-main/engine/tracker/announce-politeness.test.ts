import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeUdpTracker, udpTrackerReply, type FakeUdpTracker } from '../../testing/fake-udp-tracker';
import { tempDir } from '../../testing/processes';
import { buildTorrent } from '../../testing/build-torrent';
import { quietTorrent } from '../../testing/quiet-torrent';
import type { Torrent } from '../torrent';

// A torrent with no peers asks for more on every swarm tick. Trackers that give no `min interval`
// (every UDP tracker, many HTTP ones) must still be asked only as their `interval` says, plus at
// most one early announce: over ten minutes, at most 2 + 600 / interval announces.

let dir: { path: string; remove(): Promise<void> };
let torrent: Torrent | undefined;
let http: Server | undefined;
let udp: FakeUdpTracker | undefined;
beforeEach(async () => {
  dir = await tempDir('politeness');
});
afterEach(async () => {
  vi.useRealTimers();
  await torrent?.remove(false);
  torrent = undefined;
  await new Promise((r) => (http ? http.close(r) : r(undefined)));
  http = undefined;
  await udp?.close();
  udp = undefined;
  await dir.remove();
});

/** An HTTP tracker that answers every announce with `interval` and no `min interval` or peers. */
async function httpTracker(interval: number, announces: number[]): Promise<string> {
  http = createServer((_req, res) => {
    announces.push(Date.now());
    res.end(`d8:completei0e10:incompletei1e8:intervali${interval}e5:peers0:e`);
  });
  await new Promise<void>((r) => http!.listen(0, '127.0.0.1', r));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}/announce`;
}

/** A BEP 15 tracker: connect, then announce replies with `interval` and no peers. */
async function udpTracker(interval: number, announces: number[]): Promise<string> {
  udp = await startFakeUdpTracker((packet) => {
    if (packet.readUInt32BE(8) === 1) {
      if (packet.readUInt32BE(80) === 3) return undefined; // `stopped` is not counted
      announces.push(Date.now());
    }
    return udpTrackerReply(packet, { interval });
  });
  return udp.url;
}

/** Lets real I/O run until no announce is in flight (fake timers stop nothing but timers). */
async function settle(t: Torrent): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    await new Promise((r) => setImmediate(r));
    if (i > 3 && t.announcer.statuses().every((s) => s.state !== 'announcing')) return;
  }
  throw new Error('an announce never finished');
}

describe.each([
  ['HTTP', httpTracker],
  ['UDP', udpTracker],
])('a %s tracker without min interval', (_kind, tracker) => {
  it.each([1800, 120])('is announced to at most 2 + 600/interval times in ten minutes (interval %i s)', async (interval) => {
    const announces: number[] = [];
    const url = await tracker(interval, announces);
    const { metainfo } = buildTorrent({ name: 'lonely', pieceLength: 16384, files: [{ path: ['a'], length: 4 * 16384 }] });
    // Only timers and the clock are fake: sockets, fetch and the disk stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const start = Date.now();
    torrent = quietTorrent({ ...metainfo, trackers: [[url]] }, dir.path);
    const t = torrent;
    await t.start();
    await settle(t);
    for (let second = 0; second < 600; second++) {
      await vi.advanceTimersByTimeAsync(1000);
      await settle(t);
    }
    const inTenMinutes = announces.filter((at) => at - start < 600_000);
    expect(inTenMinutes.length).toBeGreaterThanOrEqual(1);
    expect(inTenMinutes.length).toBeLessThanOrEqual(Math.floor(2 + 600 / interval));
  }, 120_000);
});
