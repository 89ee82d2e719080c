import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { channels, PROTOCOL_VERSION } from '../../src-shared/contract';
import { ShoalError } from '../../src-shared/errors';
import type { ShoalBridge } from './bridge';
import { menuActionChannel } from './menu-actions';
import { nativeFilesChannels } from './native-files-channels';
import { fake } from './testing/fake-electron';

vi.mock('electron', async () => (await import('./testing/fake-electron')).electronModule);

let bridge: ShoalBridge;

beforeAll(async () => {
  fake.reset();
  await import('./preload');
  bridge = fake.contextBridge.exposed.get('shoal') as ShoalBridge;
});

beforeEach(() => {
  fake.resetRenderer();
});

describe('preload bridge', { timeout: 5_000 }, () => {
  it('exposes only invoke, on, onMenuAction, the two native file dialogs and showInFolder as window.shoal', () => {
    expect([...fake.contextBridge.exposed.keys()]).toEqual(['shoal']);
    expect(Object.keys(bridge).sort()).toEqual(['chooseSource', 'invoke', 'on', 'onMenuAction', 'saveTorrent', 'showInFolder']);
  });

  it('asks main for the native dialogs on their own channels, and rethrows a refusal with its sentence', async () => {
    fake.ipcRenderer.answer = () => ({ ok: true, output: '/home/me/album' });
    await expect(bridge.chooseSource('folder')).resolves.toBe('/home/me/album');
    const data = Uint8Array.from([1, 2]);
    await bridge.saveTorrent(data, 'album.torrent');
    await bridge.showInFolder('/home/me/album');
    expect(fake.ipcRenderer.invoked).toEqual([
      { channel: nativeFilesChannels.chooseSource, args: ['folder'] },
      { channel: nativeFilesChannels.saveTorrent, args: [data, 'album.torrent'] },
      { channel: nativeFilesChannels.showInFolder, args: ['/home/me/album'] },
    ]);
    fake.ipcRenderer.answer = () => ({ ok: false, error: { code: 'permission-denied', message: 'No permission for writing /x.torrent.' } });
    await expect(bridge.saveTorrent(data, 'x.torrent')).rejects.toMatchObject({ code: 'permission-denied', message: 'No permission for writing /x.torrent.' });
  });

  it('sends a command on its contract channel and returns the output', async () => {
    fake.ipcRenderer.answer = () => ({ ok: true, output: { infoHash: 'a'.repeat(40), name: 'x' } });
    const input = { source: { kind: 'magnet' as const, uri: 'magnet:?xt=urn:btih:' + 'a'.repeat(40) } };
    await expect(bridge.invoke('addTorrent', input)).resolves.toEqual({ infoHash: 'a'.repeat(40), name: 'x' });
    expect(fake.ipcRenderer.invoked).toEqual([{ channel: channels.command('addTorrent'), args: [input] }]);
  });

  it('rethrows a refused command as a ShoalError with the sentence', async () => {
    fake.ipcRenderer.answer = () => ({ ok: false, error: { code: 'disk-full', message: 'the disk is full' } });
    const failure = bridge.invoke('resume', { infoHashes: [] });
    await expect(failure).rejects.toBeInstanceOf(ShoalError);
    await expect(failure).rejects.toMatchObject({ code: 'disk-full', message: 'the disk is full' });
  });

  it('refuses names outside the contract without sending anything', async () => {
    const invoke = bridge.invoke as (name: string, input: unknown) => Promise<unknown>;
    await expect(invoke('shutdown', {})).rejects.toThrow(/unknown command/);
    expect(() => (bridge.on as (name: string, h: () => void) => unknown)('secrets', () => {})).toThrow(/unknown event/);
    expect(fake.ipcRenderer.invoked).toEqual([]);
  });

  it('delivers events until the handler is removed, and says hello for a new list handler', () => {
    const seen: unknown[] = [];
    const off = bridge.on('torrents', (payload) => seen.push(payload));
    expect(fake.ipcRenderer.invoked).toEqual([
      { channel: channels.command('hello'), args: [{ protocolVersion: PROTOCOL_VERSION }] },
    ]);
    const payload = { full: true, changed: [], removed: [] };
    fake.ipcRenderer.emit(channels.event('torrents'), {}, payload);
    off();
    fake.ipcRenderer.emit(channels.event('torrents'), {}, payload);
    expect(seen).toEqual([payload]);

    const stats: unknown[] = [];
    bridge.on('stats', (s) => stats.push(s));
    expect(fake.ipcRenderer.invoked).toHaveLength(1);
  });

  it('passes on only known menu actions', () => {
    const actions: string[] = [];
    const off = bridge.onMenuAction((action) => actions.push(action));
    fake.ipcRenderer.emit(menuActionChannel, {}, 'add-magnet');
    fake.ipcRenderer.emit(menuActionChannel, {}, 'format-disk');
    off();
    fake.ipcRenderer.emit(menuActionChannel, {}, 'remove-selected');
    expect(actions).toEqual(['add-magnet']);
  });
});
