/**
 * One suite for Shoal's tracker clients, run against any tracker (Shoal's own and opentracker):
 * announce started / completed / stopped, peers returned, scrape counts, over HTTP and UDP.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Announcer } from '../engine/tracker/announcer';
import { HttpTrackerClient } from '../engine/tracker/http-tracker-client';
import { freePort } from './processes';
import { UdpTrackerClient } from '../engine/tracker/udp-tracker-client';
import type { PeerAddress } from '../engine/net/peer-address';
import type { AnnounceEventName, AnnounceRequest, TrackerClient } from '../engine/tracker/tracker-types';

export interface TrackerUnderTest {
  readonly httpAnnounceUrl: string;
  readonly udpAnnounceUrl: string;
  close(): Promise<void>;
}

/** `setup` gets the info-hashes the suite will use, for trackers that need an allow-list. */
export function trackerConformanceSuite(name: string, setup: (infoHashesHex: readonly string[]) => Promise<TrackerUnderTest>): void {
  const hashes = { http: randomBytes(20), udp: randomBytes(20), announcer: randomBytes(20) };
  let tracker: TrackerUnderTest | undefined;

  describe(`tracker clients against ${name}`, () => {
    beforeAll(async () => {
      tracker = await setup(Object.values(hashes).map((h) => h.toString('hex')));
    }, 20_000);
    afterAll(async () => {
      await tracker?.close();
    }, 10_000);

    for (const protocol of ['http', 'udp'] as const) {
      it(`${protocol}: started, completed and stopped move the swarm counts; peers are returned`, async () => {
        const url = protocol === 'http' ? tracker!.httpAnnounceUrl : tracker!.udpAnnounceUrl;
        const client: TrackerClient =
          protocol === 'http' ? new HttpTrackerClient(url, { timeoutMs: 3000 }) : new UdpTrackerClient(url, { retryBaseMs: 500, maxRetries: 2 });
        const infoHash = hashes[protocol];
        const request = (port: number, left: number, event: AnnounceEventName): AnnounceRequest => ({
          infoHash,
          peerId: randomBytes(20),
          port,
          uploaded: 0,
          downloaded: 0,
          left,
          event,
          numwant: 50,
          key: port,
        });

        const leecher = await client.announce(request(40001, 1000, 'started'));
        expect(leecher.interval).toBeGreaterThan(0);

        const seeder = await client.announce(request(40002, 0, 'started'));
        expect(seeder.peers).toContainEqual({ host: '127.0.0.1', port: 40001 });
        expect(await client.scrape(infoHash)).toEqual({ complete: 1, incomplete: 1, downloaded: 0 });

        const again = await client.announce(request(40001, 1000, 'none'));
        expect(again.peers).toContainEqual({ host: '127.0.0.1', port: 40002 });
        expect(again.complete).toBe(1);
        expect(again.incomplete).toBe(1);

        await client.announce(request(40001, 0, 'completed'));
        expect(await client.scrape(infoHash)).toEqual({ complete: 2, incomplete: 0, downloaded: 1 });

        await client.announce(request(40002, 0, 'stopped'));
        const after = await client.scrape(infoHash);
        expect(after.complete).toBe(1);
        expect(after.incomplete).toBe(0);
        const last = await client.announce(request(40001, 0, 'none'));
        expect(last.peers).not.toContainEqual({ host: '127.0.0.1', port: 40002 });
      }, 20_000);
    }

    it('Announcer: falls through a dead tier, finds peers, reports health, and stops', async () => {
      const infoHash = hashes.announcer;
      const seeder = new HttpTrackerClient(tracker!.httpAnnounceUrl, { timeoutMs: 3000 });
      await seeder.announce({ infoHash, peerId: randomBytes(20), port: 41000, uploaded: 0, downloaded: 0, left: 0, event: 'started', numwant: 0, key: 1 });
      const peers: PeerAddress[] = [];
      const announcer = new Announcer({
        tiers: [[`udp://127.0.0.1:${await freePort()}/announce`], [tracker!.udpAnnounceUrl, tracker!.httpAnnounceUrl]],
        infoHash,
        peerId: randomBytes(20),
        port: 41001,
        stats: () => ({ uploaded: 0, downloaded: 0, left: 1 }),
        onPeers: (p) => peers.push(...p),
        udp: { retryBaseMs: 100, maxRetries: 0 },
      });
      try {
        announcer.start();
        for (let i = 0; i < 100 && peers.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
        expect(peers).toContainEqual({ host: '127.0.0.1', port: 41000 });
        const states = announcer.statuses().map((s) => [s.tier, s.state]);
        expect(states).toContainEqual([0, 'error']);
        expect(states).toContainEqual([1, 'working']);
        expect(announcer.health()).toMatchObject({ seeders: 1, leechers: 1 });
      } finally {
        await announcer.stop();
      }
      expect(await seeder.scrape(infoHash)).toMatchObject({ complete: 1, incomplete: 0 });
    }, 20_000);

    it('scrape of a torrent nobody announced counts zeros', async () => {
      const client = new HttpTrackerClient(tracker!.httpAnnounceUrl, { timeoutMs: 3000 });
      const unknown = await client.scrape(hashes.udp.map((b) => b ^ 0xff));
      expect(unknown.complete + unknown.incomplete).toBe(0);
    }, 10_000);
  });
}
