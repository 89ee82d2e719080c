import { afterAll } from 'vitest';
import { startOpentracker } from '../../testing/clients';
import { removeBuiltCli, startShoalTracker } from '../../testing/shoal-cli';
import { trackerConformanceSuite } from '../../testing/tracker-conformance';

trackerConformanceSuite('shoal tracker', async () => {
  const tracker = await startShoalTracker();
  return { ...tracker, close: () => tracker.process.stop() };
});

trackerConformanceSuite('opentracker', async (hashes) => {
  const tracker = await startOpentracker(hashes);
  return { httpAnnounceUrl: tracker.httpUrl, udpAnnounceUrl: tracker.udpUrl, close: () => tracker.stop() };
});

afterAll(() => removeBuiltCli());
