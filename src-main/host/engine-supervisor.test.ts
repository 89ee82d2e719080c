import { afterEach, describe, expect, it, vi } from 'vitest';
import { ShoalError } from '../../src-shared/errors';
import { EngineSupervisor, type SupervisorOptions } from './engine-supervisor';
import { fakeSummary } from '../testing/summary-row';
import { FakeEngine } from './testing/fake-engine';

let supervisor: EngineSupervisor | null = null;

afterEach(async () => {
  await supervisor?.stop();
  supervisor = null;
});

function supervise(options: Partial<SupervisorOptions> = {}) {
  const engines: FakeEngine[] = [];
  const restarted: string[] = [];
  const gaveUp: string[] = [];
  supervisor = new EngineSupervisor({
    spawn: () => {
      const engine = new FakeEngine();
      engines.push(engine);
      return engine;
    },
    onRestarted: (reason) => restarted.push(reason),
    onGaveUp: (reason) => gaveUp.push(reason),
    restartDelayMs: 1,
    ...options,
  });
  supervisor.start();
  return { supervisor, engines, restarted, gaveUp };
}

describe('EngineSupervisor', { timeout: 5_000 }, () => {
  it('checks the protocol version with hello at every start', async () => {
    const { engines } = supervise();
    await vi.waitFor(() => expect(engines[0]!.inputsOf('hello')).toHaveLength(1));
    engines[0]!.crash();
    await vi.waitFor(() => expect(engines[1]?.inputsOf('hello')).toHaveLength(1));
  });

  it('keeps handlers across restarts', async () => {
    const { supervisor, engines, restarted } = supervise();
    const seen: number[] = [];
    supervisor.on('stats', (s) => seen.push(s.downRate));
    const stats = (downRate: number) => ({ downRate, upRate: 0, connectedPeers: 0, freeSpace: null, downloadDir: '/', altSpeedActive: false });
    engines[0]!.emit('stats', stats(1));
    engines[0]!.crash('it crashed: boom');
    await vi.waitFor(() => expect(engines).toHaveLength(2));
    engines[1]!.emit('stats', stats(2));
    expect(seen).toEqual([1, 2]);
    expect(restarted).toEqual(['it crashed: boom']);
  });

  it('gives a list handler that comes late the whole list, idle rows too', async () => {
    const { supervisor, engines } = supervise();
    const idle = fakeSummary({ infoHash: 'a'.repeat(40), name: 'idle' });
    const busy = fakeSummary({ infoHash: 'b'.repeat(40), name: 'busy' });
    engines[0]!.emit('torrents', { full: true, changed: [idle, busy], removed: [] });
    engines[0]!.emit('torrents', { full: false, changed: [{ ...busy, progress: 0.5 }], removed: [] });
    const seen: { full: boolean; names: string[] }[] = [];
    supervisor.on('torrents', (ev) => seen.push({ full: ev.full, names: ev.changed.map((r) => r.name) }));
    await vi.waitFor(() => expect(seen).toEqual([{ full: true, names: ['idle', 'busy'] }]));
  });

  it('fails calls the dead engine left unanswered instead of leaving them waiting', async () => {
    const { supervisor, engines } = supervise();
    engines[0]!.replies.pause = () => new Promise(() => {});
    const call = supervisor.invoke('pause', { infoHashes: [] });
    engines[0]!.crash('it crashed: oom');
    await expect(call).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('oom') });
  });

  it('refuses calls while restarting and serves them again afterwards', async () => {
    const { supervisor, engines } = supervise({ restartDelayMs: 50 });
    engines[0]!.crash();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(supervisor.invoke('resume', { infoHashes: [] })).rejects.toThrow(/restarting/);
    await vi.waitFor(() => expect(engines).toHaveLength(2));
    await expect(supervisor.invoke('resume', { infoHashes: [] })).resolves.toEqual({});
    expect(engines[1]!.inputsOf('resume')).toHaveLength(1);
  });

  it('bounds restarts within the window, backing off between them', async () => {
    const { supervisor, engines, gaveUp } = supervise({ maxRestarts: 2, windowMs: 1_000, now: () => 0 });
    engines[0]!.crash();
    await vi.waitFor(() => expect(engines).toHaveLength(2));
    engines[1]!.crash();
    await vi.waitFor(() => expect(engines).toHaveLength(3));
    engines[2]!.crash('it crashed: third time');
    await vi.waitFor(() => expect(gaveUp).toEqual(['it crashed: third time']));
    expect(engines).toHaveLength(3);
    await expect(supervisor.invoke('pause', { infoHashes: [] })).rejects.toThrow(/restart Shoal/);
  });

  it('forgets crashes older than the window', async () => {
    let now = 0;
    const { engines, gaveUp } = supervise({ maxRestarts: 1, windowMs: 1_000, now: () => now });
    engines[0]!.crash();
    await vi.waitFor(() => expect(engines).toHaveLength(2));
    now += 5_000;
    engines[1]!.crash();
    await vi.waitFor(() => expect(engines).toHaveLength(3));
    expect(gaveUp).toEqual([]);
  });

  it('gives up when a replacement cannot even be started', async () => {
    let spawns = 0;
    const gaveUp: string[] = [];
    const first = new FakeEngine();
    supervisor = new EngineSupervisor({
      spawn: () => {
        spawns += 1;
        if (spawns > 1) throw new Error('engine-worker.js is missing');
        return first;
      },
      onRestarted: () => {},
      onGaveUp: (reason) => gaveUp.push(reason),
      restartDelayMs: 1,
    });
    supervisor.start();
    first.crash();
    await vi.waitFor(() => expect(gaveUp).toEqual(['it could not be started again: engine-worker.js is missing']));
    await expect(supervisor.invoke('pause', { infoHashes: [] })).rejects.toThrow(/restart Shoal/);
  });

  it('gives up at once on a protocol mismatch', async () => {
    const engines: FakeEngine[] = [];
    const gaveUp: string[] = [];
    supervisor = new EngineSupervisor({
      spawn: () => {
        const engine = new FakeEngine();
        engine.replies.hello = () => {
          throw new ShoalError('protocol', 'this Shoal speaks protocol 2');
        };
        engines.push(engine);
        return engine;
      },
      onRestarted: () => {},
      onGaveUp: (reason) => gaveUp.push(reason),
      restartDelayMs: 1,
    });
    supervisor.start();
    await vi.waitFor(() => expect(gaveUp).toEqual(['this Shoal speaks protocol 2']));
    expect(engines[0]!.stopped).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(engines).toHaveLength(1);
  });

  it('does not restart an engine stopped on purpose', async () => {
    const { supervisor, engines, restarted } = supervise();
    await supervisor.stop();
    expect(engines[0]!.stopped).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(engines).toHaveLength(1);
    expect(restarted).toEqual([]);
  });
});
