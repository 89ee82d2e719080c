import { afterEach, describe, expect, it } from 'vitest';
import { startFakeUdpTracker, udpTrackerReply, type FakeUdpTracker } from '../../testing/fake-udp-tracker';
import { Announcer } from './announcer';

// A dead UDP tracker in the first tier holds its announce for minutes (BEP 15 retries wait
// 15 + 30 + 60 + 120 s); the tiers after it must be asked within seconds all the same.

const trackers: FakeUdpTracker[] = [];
let announcer: Announcer | undefined;
afterEach(async () => {
  await announcer?.stop({ quietly: true });
  announcer = undefined;
  for (const t of trackers.splice(0)) await t.close();
});

async function udpTracker(respond: (packet: Buffer) => Buffer | undefined): Promise<string> {
  const tracker = await startFakeUdpTracker(respond);
  trackers.push(tracker);
  return tracker.url;
}

const peer = new Uint8Array([10, 0, 0, 7, 0x1a, 0xe1]);

describe.each([
  ['silent', (): Buffer | undefined => undefined],
  ['answering with wrong transaction ids', (packet: Buffer) => udpTrackerReply(packet, { interval: 1800, transaction: (packet.readUInt32BE(12) ^ 1) >>> 0 })],
])('a %s UDP tracker in the first tier', (_kind, dead) => {
  it('does not keep the second tier from being asked within 10 s', async () => {
    const asked: number[] = [];
    const first = await udpTracker(dead);
    const second = await udpTracker((packet) => {
      if (packet.readUInt32BE(8) === 1) asked.push(Date.now());
      return udpTrackerReply(packet, { interval: 1800, peers: peer });
    });
    const peers: string[] = [];
    const start = Date.now();
    announcer = new Announcer({
      tiers: [[first], [second]],
      infoHash: Buffer.alloc(20, 1),
      peerId: Buffer.alloc(20, 2),
      port: 6881,
      stats: () => ({ uploaded: 0, downloaded: 0, left: 100 }),
      onPeers: (p) => peers.push(...p.map((x) => `${x.host}:${x.port}`)),
    });
    announcer.start();
    while (peers.length === 0 && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(peers).toEqual(['10.0.0.7:6881']);
    expect(asked[0]! - start).toBeLessThan(10_000);
    const byUrl = Object.fromEntries(announcer.statuses().map((s) => [s.url, s.state]));
    expect(byUrl[second]).toBe('working');
  }, 20_000);
});
