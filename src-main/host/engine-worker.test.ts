import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src-shared/contract';
import type { EngineConnection } from './engine-supervisor';
import { startEngineWorker } from './engine-worker';

const workerPath = fileURLToPath(new URL('./testing/tiny-engine-worker.mjs', import.meta.url));
let engine: EngineConnection | null = null;

afterEach(async () => {
  await engine?.stop();
  engine = null;
});

describe('startEngineWorker', { timeout: 10_000 }, () => {
  it('connects to a real worker thread and passes it the folders', async () => {
    engine = startEngineWorker(workerPath, { stateDir: '/state', downloadDir: '/downloads' });
    await expect(engine.api.invoke('hello', { protocolVersion: PROTOCOL_VERSION })).resolves.toEqual({
      protocolVersion: PROTOCOL_VERSION,
      appVersion: '/state',
    });
  });

  it('reports a crash, and fails the call the worker died on', async () => {
    engine = startEngineWorker(workerPath, { stateDir: '/state', downloadDir: '/downloads' });
    const call = engine.api.invoke('pause', { infoHashes: [] });
    await expect(engine.exited).resolves.toBe('it crashed: engine exploded');
    await expect(call).rejects.toMatchObject({ code: 'internal' });
  });

  it('stops the worker on request', async () => {
    engine = startEngineWorker(workerPath, { stateDir: '/state', downloadDir: '/downloads' });
    await engine.api.invoke('hello', { protocolVersion: PROTOCOL_VERSION });
    await engine.stop();
    await expect(engine.exited).resolves.toMatch(/exited with code/);
  });
});
