import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ShoalError } from '../../../../src-shared/errors';
import { App } from '../../App';
import type { CommandOutput } from '../../api/contract';
import type { NativeFiles } from '../../api/native-files';
import type { MenuAction } from '../../global';
import { createShoalStore } from '../../store/store';
import { FakeApi } from '../../testing/fake-api';
import { defaultSettings, renderApp } from '../../testing/render-app';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const created: CommandOutput<'createTorrent'> = {
  data: Uint8Array.from([100, 101]),
  infoHash: 'c9e15763f722f23e98a29decdfae341b98d53056',
  name: 'album',
  savePath: '/srv/share',
  seedsInPlace: true,
  pieceLength: 65536,
  pieceCount: 12,
};

async function openCreate(api: FakeApi) {
  const app = await renderApp(api);
  fireEvent.click(screen.getByRole('button', { name: 'Create torrent…' }));
  return { app, dialog: screen.getByRole('dialog', { name: 'Create torrent' }) };
}

const type = (dialog: HTMLElement, name: string | RegExp, value: string) => fireEvent.change(within(dialog).getByRole('textbox', { name }), { target: { value } });
const pathBox = /File or folder to share/;

describe('the create-torrent dialog', () => {
  it('sends what the fields say, as the contract has it', async () => {
    const api = new FakeApi().respond('createTorrent', () => created);
    const { dialog } = await openCreate(api);
    expect(within(dialog).getByRole('button', { name: 'Create' })).toHaveProperty('disabled', true);
    type(dialog, pathBox, ' /srv/share/album ');
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'Torrent version' }), { target: { value: 'hybrid' } });
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'Piece size' }), { target: { value: '65536' } });
    type(dialog, /Trackers/, 'http://a.example/announce udp://b.example:6969\n\nhttp://c.example/announce');
    type(dialog, /Web seeds/, 'https://files.example/\n');
    fireEvent.click(within(dialog).getByRole('checkbox', { name: /Private torrent/ }));
    type(dialog, 'Comment', 'two discs');
    type(dialog, 'Source', 'home');
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Create' })));
    const [input] = api.callsOf('createTorrent');
    expect(input).toEqual({
      jobId: expect.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      path: '/srv/share/album',
      version: 'hybrid',
      pieceLength: 65536,
      trackers: [['http://a.example/announce', 'udp://b.example:6969'], ['http://c.example/announce']],
      webSeeds: ['https://files.example/'],
      private: true,
      comment: 'two discs',
      source: 'home',
    });
    expect(within(dialog).getByRole('status').textContent).toBe('Created “album”: 12 pieces of 64 KiB.');
  });

  it('says which field is wrong before sending anything', async () => {
    const api = new FakeApi();
    const { dialog } = await openCreate(api);
    type(dialog, pathBox, 'share/album');
    type(dialog, /Trackers/, 'ftp://old.example/');
    type(dialog, /Web seeds/, 'udp://nope.example/');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(within(dialog).getByRole('textbox', { name: pathBox }).getAttribute('aria-invalid')).toBe('true');
    expect(dialog.textContent).toContain('Enter the full path of a file or folder on the machine running Shoal');
    expect(dialog.textContent).toContain('Each line needs http://, https:// or udp:// tracker addresses');
    expect(dialog.textContent).toContain('Each line needs one http:// or https:// address.');
    expect(api.callsOf('createTorrent')).toEqual([]);
  });

  it('shows progress while hashing, and Cancel stops that job and goes back to the form without an error', async () => {
    let reject: (err: Error) => void = () => undefined;
    const api = new FakeApi().respond('createTorrent', () => new Promise((_, r) => (reject = r)));
    const { app, dialog } = await openCreate(api);
    type(dialog, pathBox, '/srv/share/album');
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Create' })));
    const { jobId } = api.callsOf('createTorrent')[0]!;
    app.emit('createProgress', { jobId: 'someone-else', hashed: 9, total: 10 });
    app.emit('createProgress', { jobId, hashed: 50, total: 200 });
    expect(within(dialog).getByRole('progressbar', { name: 'Hashing… 25%' })).toHaveProperty('value', 50);
    expect(within(dialog).getByRole('textbox', { name: pathBox }).matches(':disabled')).toBe(true);
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' })));
    expect(api.callsOf('cancelCreate')).toEqual([{ jobId }]);
    await act(async () => reject(new ShoalError('cancelled', 'Creating the torrent was cancelled.')));
    expect(within(dialog).queryByRole('progressbar')).toBeNull();
    expect(within(dialog).queryByRole('alert')).toBeNull();
    expect(within(dialog).getByRole('textbox', { name: pathBox })).toHaveProperty('value', '/srv/share/album');
  });

  it('Escape while hashing cancels the job and keeps the dialog open', async () => {
    const api = new FakeApi().respond('createTorrent', () => new Promise(() => undefined));
    const { dialog } = await openCreate(api);
    type(dialog, pathBox, '/srv/share/album');
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Create' })));
    await act(async () => fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Escape' }));
    expect(api.callsOf('cancelCreate')).toEqual([{ jobId: api.callsOf('createTorrent')[0]!.jobId }]);
    expect(screen.getByRole('dialog', { name: 'Create torrent' })).toBe(dialog);
  });

  it("shows the engine's sentence when it cannot create the torrent", async () => {
    const api = new FakeApi().respond('createTorrent', () => Promise.reject(new ShoalError('invalid-input', "'/srv/empty' holds no data to share.")));
    const { dialog } = await openCreate(api);
    type(dialog, pathBox, '/srv/empty');
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Create' })));
    expect(within(dialog).getByRole('alert').textContent).toBe("'/srv/empty' holds no data to share.");
  });

  it('offers the embedded tracker only while it runs, as this page reaches the machine', async () => {
    const off = await openCreate(new FakeApi());
    expect(within(off.dialog).queryByRole('button', { name: 'Use the embedded tracker' })).toBeNull();
    cleanup();
    const { dialog } = await openCreate(new FakeApi().respond('getSettings', () => ({ ...defaultSettings, trackerEnabled: true, trackerPort: 7000 })));
    type(dialog, /Trackers/, 'udp://other.example:80');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use the embedded tracker' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use the embedded tracker' }));
    expect(within(dialog).getByRole('textbox', { name: /Trackers/ })).toHaveProperty('value', `udp://other.example:80\nhttp://${location.hostname}:7000/announce`);
  });

  it('downloads the .torrent in the web UI and starts seeding it from where its data is', async () => {
    const createObjectURL = vi.fn((_: Blob) => 'blob:torrent');
    Object.assign(URL, { createObjectURL, revokeObjectURL: () => undefined });
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      expect(this.download).toBe('album.torrent');
      expect(this.href).toBe('blob:torrent');
    });
    const api = new FakeApi().respond('createTorrent', () => created).respond('addTorrent', () => ({ infoHash: created.infoHash, name: 'album' }));
    const { dialog } = await openCreate(api);
    type(dialog, pathBox, '/srv/share/album');
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Create' })));
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Download .torrent' })));
    expect(clicked).toHaveBeenCalledTimes(1);
    expect(new Uint8Array(await createObjectURL.mock.calls[0]![0].arrayBuffer())).toEqual(created.data);
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Start seeding' })));
    expect(api.callsOf('addTorrent')).toEqual([{ source: { kind: 'torrent', data: created.data, fileName: 'album.torrent' }, savePath: '/srv/share' }]);
    expect(within(dialog).getByRole('button', { name: 'Seeding' })).toHaveProperty('disabled', true);
    expect(dialog.textContent).toContain('Seeding from /srv/share, where its data already is.');
  });

  it('does not offer to seed a torrent whose names had to change, and says why', async () => {
    const api = new FakeApi().respond('createTorrent', () => ({ ...created, seedsInPlace: false }));
    const { dialog } = await openCreate(api);
    type(dialog, pathBox, '/srv/share/album');
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Create' })));
    expect(within(dialog).getByRole('button', { name: 'Start seeding' })).toHaveProperty('disabled', true);
    expect(dialog.textContent).toContain('Shoal cannot seed it from where its data is');
    expect(within(dialog).getByRole('button', { name: 'Download .torrent' })).toHaveProperty('disabled', false);
  });

  it('in Electron, picks the source and saves the .torrent with the native dialogs', async () => {
    const native: NativeFiles = { chooseSource: vi.fn(async () => '/home/me/album'), saveTorrent: vi.fn(async () => '/home/me/album.torrent'), showInFolder: vi.fn(async () => undefined) };
    const api = new FakeApi().respond('getSettings', () => defaultSettings).respond('createTorrent', () => created);
    let menu: (action: MenuAction) => void = () => undefined;
    render(<App api={api} store={createShoalStore({ connected: true })} native={native} menu={(handler) => ((menu = handler), () => undefined)} />);
    await act(async () => {});
    // The application menu's File → Create Torrent… opens it.
    act(() => menu('create-torrent'));
    const dialog = screen.getByRole('dialog', { name: 'Create torrent' });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Choose folder…' })));
    expect(native.chooseSource).toHaveBeenCalledWith('folder');
    expect(within(dialog).getByRole('textbox', { name: 'File or folder to share' })).toHaveProperty('value', '/home/me/album');
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Create' })));
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save .torrent…' })));
    expect(native.saveTorrent).toHaveBeenCalledWith(created.data, 'album.torrent');
    expect(dialog.textContent).toContain('Saved as /home/me/album.torrent.');
  });
});
