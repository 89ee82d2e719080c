import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { ShoalError } from '../../src-shared/errors';
import { PROTOCOL_VERSION, type EventPayload } from '../../src-shared/contract';
import { serveEngineOnPort } from './port-server';
import { connectEnginePort, type EnginePortClient } from './port-client';
import { fakeHash, fakeSummary } from '../testing/summary-row';
import { createFakeEngine, type FakeEngine } from './testing/fake-engine';

let ports: MessagePort[] = [];
afterEach(() => {
  ports.forEach((p) => p.close());
  ports = [];
});

function connect(engine: FakeEngine, invalid: string[] = []): { client: EnginePortClient; raw: MessagePort; stop: () => void } {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const stop = serveEngineOnPort(engine, port1);
  return { client: connectEnginePort(port2, (s) => invalid.push(s)), raw: port2, stop };
}

describe('MessagePort transport', { timeout: 5000 }, () => {
  it('answers hello with the protocol version and refuses a mismatch', async () => {
    const { client } = connect(createFakeEngine());
    await expect(client.invoke('hello', { protocolVersion: PROTOCOL_VERSION })).resolves.toMatchObject({
      protocolVersion: PROTOCOL_VERSION,
    });
    const err = await client.invoke('hello', { protocolVersion: PROTOCOL_VERSION + 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShoalError);
    expect(err).toMatchObject({ code: 'protocol' });
  });

  it('round-trips commands, including byte arrays', async () => {
    const engine = createFakeEngine();
    const { client } = connect(engine);
    const data = new Uint8Array([100, 49, 58, 120, 101]);
    await expect(client.invoke('addTorrent', { source: { kind: 'torrent', data } })).resolves.toEqual({ infoHash: fakeHash, name: 'fixture' });
    const [name, input] = engine.calls[0]!;
    expect(name).toBe('addTorrent');
    expect((input as { source: { data: Uint8Array } }).source.data).toEqual(data);
    await expect(client.invoke('setSettings', { theme: 'dark' })).resolves.toMatchObject({ theme: 'dark', listenPort: 6881 });
  });

  it('rethrows engine errors as ShoalError with code and sentence', async () => {
    const { client } = connect(createFakeEngine());
    const err = await client.invoke('remove', { infoHashes: ['f'.repeat(40)], deleteFiles: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShoalError);
    expect(err).toMatchObject({ code: 'not-found', message: 'no such torrent' });
  });

  it('refuses bad input before the engine sees it', async () => {
    const engine = createFakeEngine();
    const { client } = connect(engine);
    // Deliberately break the types, as a compromised renderer could.
    const bad = client.invoke('pause', { infoHashes: ['NOT-A-HASH'] });
    await expect(bad).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('infoHashes.0') });
    const unknownKey = client.invoke('getSettings', { sneaky: true } as unknown as Record<string, never>);
    await expect(unknownKey).rejects.toMatchObject({ code: 'invalid-input' });
    const unknownCommand = (client.invoke as (n: string, i: unknown) => Promise<unknown>)('format', {});
    await expect(unknownCommand).rejects.toMatchObject({ code: 'invalid-input', message: "unknown command 'format'" });
    expect(engine.calls).toEqual([]);
  });

  it('answers a malformed request envelope without calling the engine', async () => {
    const engine = createFakeEngine();
    const { raw } = connect(engine);
    const reply = new Promise((resolve) =>
      raw.on('message', (m: { type: string }) => {
        if (m.type === 'error') resolve(m);
      }),
    );
    raw.postMessage({ type: 'request', id: 'x', name: 'pause' });
    await expect(reply).resolves.toMatchObject({ type: 'error', id: null, error: { code: 'invalid-input' } });
    expect(engine.calls).toEqual([]);
  });

  it('delivers the full list first, then pushed events', async () => {
    const engine = createFakeEngine();
    const { client } = connect(engine);
    const seen: EventPayload<'torrents'>[] = [];
    const stats: EventPayload<'stats'>[] = [];
    client.on('stats', (s) => stats.push(s));
    const got = new Promise<void>((resolve) =>
      client.on('torrents', (t) => {
        seen.push(t);
        if (seen.length === 2) resolve();
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    engine.emit({ name: 'torrents', payload: { full: false, changed: [fakeSummary({ progress: 0.5 })], removed: [] } });
    engine.emit({ name: 'stats', payload: { downRate: 1, upRate: 2, connectedPeers: 3, freeSpace: null, downloadDir: '/d', altSpeedActive: false } });
    await got;
    await new Promise((r) => setTimeout(r, 20));
    expect(seen[0]).toMatchObject({ full: true, changed: [{ progress: 0.25 }] });
    expect(seen[1]).toMatchObject({ full: false, changed: [{ progress: 0.5 }] });
    expect(stats).toEqual([{ downRate: 1, upRate: 2, connectedPeers: 3, freeSpace: null, downloadDir: '/d', altSpeedActive: false }]);
  });

  it('drops events that break the contract and reports them', async () => {
    const engine = createFakeEngine();
    const invalid: string[] = [];
    const { client } = connect(engine, invalid);
    const notices: unknown[] = [];
    client.on('notice', (n) => notices.push(n));
    await new Promise((r) => setTimeout(r, 20));
    engine.emit({ name: 'notice', payload: { kind: 'explode', message: 'x' } as unknown as EventPayload<'notice'> });
    engine.emit({ name: 'notice', payload: { kind: 'error', message: 'disk full', code: 'disk-full' } });
    await new Promise((r) => setTimeout(r, 20));
    expect(notices).toEqual([{ kind: 'error', message: 'disk full', code: 'disk-full' }]);
    expect(invalid).toEqual([expect.stringContaining('notice event')]);
  });

  it('fails unanswered requests when closed, and stops the engine listener when stopped', async () => {
    const engine = createFakeEngine();
    let release: () => void = () => {};
    engine.pause = () => new Promise((resolve) => (release = () => resolve({})));
    const { client, stop } = connect(engine);
    const pending = client.invoke('pause', { infoHashes: [] });
    await new Promise((r) => setTimeout(r, 20));
    client.close(new ShoalError('internal', 'the engine stopped'));
    await expect(pending).rejects.toMatchObject({ message: 'the engine stopped' });
    await expect(client.invoke('getSettings', {})).rejects.toMatchObject({ message: 'the engine stopped' });
    release();
    expect(engine.listenerCount()).toBe(1);
    stop();
    expect(engine.listenerCount()).toBe(0);
  });

  it('answers with an error when a reply cannot be cloned, and drops such events', async () => {
    const engine = createFakeEngine();
    engine.getSettings = async () => ({ theme: () => 'dark' }) as never;
    const { client } = connect(engine);
    await expect(client.invoke('getSettings', {})).rejects.toMatchObject({ code: 'internal' });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      engine.emit({ name: 'notice', payload: { kind: 'error', message: 'x', extra: () => 1 } as never });
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('dropped a notice event'));
    } finally {
      errors.mockRestore();
    }
    await expect(client.invoke('pause', { infoHashes: [] })).resolves.toEqual({});
  });
});
