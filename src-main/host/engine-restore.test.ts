import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION, type TorrentSummary } from '../../src-shared/contract';
import { readTorrent } from '../testing/shared-fixtures';
import { tempDir } from '../testing/processes';
import { EngineSupervisor } from './engine-supervisor';
import { startEngineWorker } from './engine-worker';
import type { EngineWorkerData } from './worker-data';

const engine = fileURLToPath(new URL('../../dist/engine-worker.js', import.meta.url));
const crashing = fileURLToPath(new URL('./testing/crashing-engine-worker.mjs', import.meta.url));
let cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

describe('a crashed engine worker comes back with the saved session', { timeout: 20_000 }, () => {
  it('restarts the real worker and restores its torrents from the state folder', async () => {
    if (!existsSync(engine)) throw new Error(`${engine} is missing: run 'npm run build' first`);
    const dir = await tempDir('engine-restore');
    cleanup.push(() => dir.remove());
    const crashFlag = join(dir.path, 'crash-once');
    await writeFile(crashFlag, '');
    const data: EngineWorkerData = { stateDir: join(dir.path, 'state'), downloadDir: join(dir.path, 'dl'), listenPort: 0 };
    const workerData = { ...data, engine, crashFlag, crashAfterMs: 2_500 };
    const rows = new Map<string, TorrentSummary>();
    const restarted: string[] = [];
    const supervisor = new EngineSupervisor({
      spawn: () => startEngineWorker(crashing, workerData),
      onRestarted: (reason) => {
        restarted.push(reason);
        rows.clear();
      },
      onGaveUp: (reason) => restarted.push(`gave up: ${reason}`),
      restartDelayMs: 10,
    });
    cleanup.push(() => supervisor.stop());
    supervisor.on('torrents', (update) => {
      if (update.full) rows.clear();
      for (const row of update.changed) rows.set(row.infoHash, row);
    });
    supervisor.start();
    await supervisor.invoke('hello', { protocolVersion: PROTOCOL_VERSION });
    const added = await supervisor.invoke('addTorrent', { source: { kind: 'torrent', data: readTorrent('alice.torrent') }, paused: true });

    await vi.waitFor(() => expect(restarted).toEqual(['it crashed: engine exploded']), { timeout: 10_000, interval: 50 });
    // The successor restored the torrent the first engine saved (soon after it was added).
    await vi.waitFor(() => expect(rows.get(added.infoHash)).toMatchObject({ name: 'alice.txt', state: 'paused' }), { timeout: 5_000, interval: 50 });
    await expect(supervisor.invoke('resume', { infoHashes: [added.infoHash] })).resolves.toEqual({});
  });
});
