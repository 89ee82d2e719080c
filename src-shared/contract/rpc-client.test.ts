import { describe, expect, it } from 'vitest';
import { ShoalError } from '../errors';
import { defaultLimitSettings } from './data';
import { RpcClient } from './rpc-client';
import type { RequestMessage } from './messages';

function setup() {
  const sent: RequestMessage[] = [];
  const invalid: string[] = [];
  const rpc = new RpcClient((m) => sent.push(m), (s) => invalid.push(s));
  return { rpc, sent, invalid };
}

describe('RpcClient', () => {
  it('matches replies to requests by id, whatever their order', async () => {
    const { rpc, sent } = setup();
    const a = rpc.invoke('pause', { infoHashes: [] });
    const b = rpc.invoke('getSettings', {});
    expect(sent.map((m) => m.name)).toEqual(['pause', 'getSettings']);
    rpc.receive({ type: 'result', id: sent[1]!.id, output: { downloadDir: '/d', listenPort: 1, maxConnectionsPerTorrent: 5, theme: 'dark', ...defaultLimitSettings } });
    rpc.receive({ type: 'result', id: sent[0]!.id, output: {} });
    await expect(a).resolves.toEqual({});
    await expect(b).resolves.toMatchObject({ theme: 'dark' });
    expect(rpc.pendingCount).toBe(0);
  });

  it('rejects with ShoalError for error replies and for replies that break the contract', async () => {
    const { rpc, sent } = setup();
    const a = rpc.invoke('remove', { infoHashes: [], deleteFiles: true });
    const b = rpc.invoke('addTorrent', { source: { kind: 'magnet', uri: 'magnet:?x' } });
    rpc.receive({ type: 'error', id: sent[0]!.id, error: { code: 'disk-full', message: 'the disk is full' } });
    rpc.receive({ type: 'result', id: sent[1]!.id, output: { infoHash: 'nope', name: 'x' } });
    await expect(a).rejects.toEqual(new ShoalError('disk-full', 'the disk is full'));
    await expect(b).rejects.toMatchObject({ code: 'protocol', message: expect.stringContaining('addTorrent reply') });
  });

  it('reports and drops malformed messages and unknown events', () => {
    const { rpc, invalid } = setup();
    rpc.receive('hello');
    rpc.receive({ type: 'event', name: 'gossip', payload: {} });
    rpc.receive({ type: 'result', id: 99, output: {} }); // nobody waits: silently late
    expect(invalid).toHaveLength(2);
  });

  it('keeps delivering to other handlers when one throws, then surfaces the error', () => {
    const { rpc } = setup();
    const got: number[] = [];
    rpc.on('stats', () => {
      throw new Error('boom');
    });
    const off = rpc.on('stats', (s) => got.push(s.downRate));
    const stats = { type: 'event', name: 'stats', payload: { downRate: 5, upRate: 0, connectedPeers: 0, freeSpace: null, downloadDir: '/', altSpeedActive: false } };
    expect(() => rpc.receive(stats)).toThrow('boom');
    expect(got).toEqual([5]);
    off();
    expect(() => rpc.receive(stats)).toThrow('boom');
    expect(got).toEqual([5]);
  });

  it('fails everything pending at once, and send failures at once', async () => {
    const { rpc } = setup();
    const a = rpc.invoke('pause', { infoHashes: [] });
    rpc.failAll(new ShoalError('network', 'gone'));
    await expect(a).rejects.toMatchObject({ code: 'network', message: 'gone' });
    const broken = new RpcClient(() => {
      throw new ShoalError('network', 'not connected');
    });
    await expect(broken.invoke('pause', { infoHashes: [] })).rejects.toMatchObject({ message: 'not connected' });
    expect(broken.pendingCount).toBe(0);
  });
});
