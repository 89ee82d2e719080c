import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTrackerServer } from '../../tracker-server/tracker-server';
import { killGroup, startOpentracker } from './interop-support';
import { trackerConformanceSuite } from './tracker-conformance';

trackerConformanceSuite('shoal tracker', async () => {
  const server = await startTrackerServer({ http: { host: '127.0.0.1', port: 0 }, udp: { host: '127.0.0.1', port: 0 } });
  return {
    httpAnnounceUrl: `http://127.0.0.1:${server.httpPort}/announce`,
    udpAnnounceUrl: `udp://127.0.0.1:${server.udpPort}/announce`,
    close: () => server.close(),
  };
});

trackerConformanceSuite('opentracker', async (hashes) => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-opentracker-'));
  const tracker = await startOpentracker(dir, hashes);
  return {
    httpAnnounceUrl: `http://127.0.0.1:${tracker.port}/announce`,
    udpAnnounceUrl: `udp://127.0.0.1:${tracker.port}/announce`,
    async close() {
      await killGroup(tracker.child);
      await rm(dir, { recursive: true, force: true });
    },
  };
});
