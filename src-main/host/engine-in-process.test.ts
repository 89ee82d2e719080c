import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src-shared/contract';
import { startEngineInProcess } from './engine-in-process';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-inproc-'));
  dirs.push(dir);
  return dir;
}

describe('startEngineInProcess', { timeout: 20_000 }, () => {
  it('serves a real session over the contract on this thread, and saves it on stop', async () => {
    const stateDir = await tempDir();
    const engine = await startEngineInProcess({ downloadDir: await tempDir(), stateDir, listenPort: 0 });
    await expect(engine.api.invoke('hello', { protocolVersion: PROTOCOL_VERSION })).resolves.toMatchObject({ protocolVersion: PROTOCOL_VERSION });
    // Input is validated as from any other transport.
    await expect(engine.api.invoke('pause', { infoHashes: ['not a hash'] })).rejects.toMatchObject({ code: 'invalid-input' });
    await engine.stop();
    await expect(engine.exited).resolves.toBe('it was stopped');
    await expect(engine.api.invoke('hello', { protocolVersion: PROTOCOL_VERSION })).rejects.toMatchObject({ code: 'internal' });
    expect((await readdir(stateDir)).length).toBeGreaterThan(0);
  });
});
