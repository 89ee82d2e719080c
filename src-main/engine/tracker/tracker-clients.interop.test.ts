import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { killGroup, removeBuiltCli, startOpentracker, startShoalTracker } from '../../testing/interop-support';
import { trackerConformanceSuite } from '../../testing/tracker-conformance';

trackerConformanceSuite('shoal tracker', async () => {
  const tracker = await startShoalTracker();
  return { ...tracker, close: () => killGroup(tracker.child) };
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

afterAll(() => removeBuiltCli());
