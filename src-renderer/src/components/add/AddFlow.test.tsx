import { act, cleanup, createEvent, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ShoalError } from '../../../../src-shared/errors';
import { FakeApi } from '../../testing/fake-api';
import { defaultSettings, renderApp } from '../../testing/render-app';
import { summary } from '../../testing/torrents';

afterEach(cleanup);

const hash = 'c9e15763f722f23e98a29decdfae341b98d53056';
const preview = {
  infoHash: hash,
  version: 'v1' as const,
  infoHashV2: null,
  name: 'album',
  length: 3000,
  files: [
    { index: 0, path: 'album/a.flac', length: 1000 },
    // File 1 is a pad file, which the preview leaves out.
    { index: 2, path: 'album/b.flac', length: 2000 },
  ],
  trackers: ['http://tracker.example/announce'],
};

function apiWithPreview(): FakeApi {
  return new FakeApi().respond('getSettings', () => defaultSettings).respond('inspectTorrent', () => preview).respond('addTorrent', () => ({ infoHash: hash, name: 'album' }));
}

function torrentFile(name = 'album.torrent', bytes = [100, 52, 58]): File {
  return new File([Uint8Array.from(bytes)], name, { type: 'application/x-bittorrent' });
}

async function choose(files: File[]) {
  const input = document.querySelector<HTMLInputElement>('input[type="file"]')!;
  await act(async () => {
    fireEvent.change(input, { target: { files } });
  });
}

describe('adding a magnet', () => {
  it('opens with Ctrl+U, refuses a non-magnet, previews and adds with the default folder', async () => {
    const app = await renderApp(apiWithPreview());
    fireEvent.keyDown(window, { key: 'u', ctrlKey: true });
    const dialog = screen.getByRole('dialog', { name: 'Add magnet link' });
    const field = within(dialog).getByRole('textbox', { name: 'Magnet link' });

    fireEvent.change(field, { target: { value: 'http://example.com/x.torrent' } });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' })));
    expect(within(dialog).getByRole('alert').textContent).toMatch(/not a magnet link/);
    expect(app.api.callsOf('inspectTorrent')).toEqual([]);

    const uri = `magnet:?xt=urn:btih:${hash}`;
    fireEvent.change(field, { target: { value: uri } });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' })));
    expect(app.api.callsOf('inspectTorrent')).toEqual([{ uri }]);
    const add = screen.getByRole('dialog', { name: 'Add torrent' });
    expect(screen.queryByRole('dialog', { name: 'Add magnet link' })).toBeNull();
    expect(within(add).getByRole('textbox', { name: 'Destination folder' })).toHaveProperty('value', defaultSettings.downloadDir);

    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Add' })));
    expect(app.api.callsOf('addTorrent')).toEqual([{ source: { kind: 'magnet', uri }, paused: false, savePath: defaultSettings.downloadDir }]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('focuses the link field, and Escape closes the dialog and returns focus', async () => {
    await renderApp(apiWithPreview());
    const opener = screen.getByRole('button', { name: 'Add magnet' });
    opener.focus();
    fireEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Add magnet link' });
    expect(document.activeElement).toBe(within(dialog).getByRole('textbox', { name: 'Magnet link' }));
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('keeps the magnet dialog open with the engine’s sentence when the link is bad', async () => {
    const api = new FakeApi().respond('inspectTorrent', () => Promise.reject(new ShoalError('invalid-magnet', 'The magnet link has no info-hash.')));
    await renderApp(api);
    fireEvent.click(screen.getByRole('button', { name: 'Add magnet' }));
    const dialog = screen.getByRole('dialog', { name: 'Add magnet link' });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Magnet link' }), { target: { value: 'magnet:?dn=x' } });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' })));
    expect(within(dialog).getByRole('alert').textContent).toBe('The magnet link has no info-hash.');
  });
});

describe('the version of what is added', () => {
  it.each([
    ['v1' as const, 'BitTorrent v1', true, false],
    ['hybrid' as const, 'Hybrid (v1 and v2)', true, true],
    ['v2' as const, 'BitTorrent v2', false, true],
  ])('shows a %s torrent as %s with the info-hashes it has', async (version, label, v1, v2) => {
    const infoHashV2 = version === 'v1' ? null : 'ab'.repeat(32);
    await renderApp(apiWithPreview().respond('inspectTorrent', () => ({ ...preview, version, infoHashV2 })));
    fireEvent.keyDown(window, { key: 'u', ctrlKey: true });
    fireEvent.change(screen.getByRole('textbox', { name: 'Magnet link' }), { target: { value: `magnet:?xt=urn:btih:${hash}` } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    const text = screen.getByRole('dialog', { name: 'Add torrent' }).textContent ?? '';
    expect(text).toContain(`Version${label}`);
    expect(text.includes(`Info-hash${hash}`)).toBe(v1);
    expect(text.includes(`Info-hash v2${'ab'.repeat(32)}`)).toBe(v2);
  });
});

describe('a magnet after it is added', () => {
  it('shows the row fetching its metadata, then the torrent it turns into', async () => {
    // What the engine previews of a magnet: only what the link says.
    const app = await renderApp(apiWithPreview().respond('inspectTorrent', () => ({ infoHash: hash, version: null, infoHashV2: null, name: 'album', length: null, files: [], trackers: [] })));
    fireEvent.keyDown(window, { key: 'u', ctrlKey: true });
    const uri = `magnet:?xt=urn:btih:${hash}&dn=album`;
    fireEvent.change(screen.getByRole('textbox', { name: 'Magnet link' }), { target: { value: uri } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    const add = screen.getByRole('dialog', { name: 'Add torrent' });
    expect(add.textContent).toContain('Unknown until the metadata arrives');
    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Add without waiting' })));
    expect(app.api.callsOf('addTorrent')).toEqual([{ source: { kind: 'magnet', uri }, paused: false, savePath: defaultSettings.downloadDir }]);

    const row = { infoHash: hash, name: 'album', length: 0, progress: 0, state: 'metadata' as const, eta: null, peers: { connected: 1, seeds: 0 } };
    app.emit('torrents', { full: false, changed: [summary(1, row)], removed: [] });
    expect(screen.getByRole('row', { name: /album/ }).textContent).toContain('Metadata');
    app.emit('torrents', { full: false, changed: [summary(1, { ...row, name: 'album (2024)', length: 3000, state: 'downloading' })], removed: [] });
    expect(screen.queryByText('Metadata')).toBeNull();
    expect(screen.getByRole('row', { name: /album \(2024\)/ }).textContent).toContain('Downloading');
  });

  it('keeps the add dialog with the engine’s sentence when the engine refuses the magnet', async () => {
    const api = apiWithPreview().respond('addTorrent', () => Promise.reject(new ShoalError('already-exists', '"album" is already in the list')));
    await renderApp(api);
    fireEvent.keyDown(window, { key: 'u', ctrlKey: true });
    fireEvent.change(screen.getByRole('textbox', { name: 'Magnet link' }), { target: { value: `magnet:?xt=urn:btih:${hash}` } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    const add = screen.getByRole('dialog', { name: 'Add torrent' });
    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Add' })));
    expect(within(add).getByRole('alert').textContent).toBe('"album" is already in the list');
  });
});

describe('a magnet’s files before it is added', () => {
  const magnetPreview = { infoHash: hash, version: null, infoHashV2: null, name: 'album', length: null, files: [], trackers: [] };
  async function openMagnet(api: FakeApi) {
    const app = await renderApp(api.respond('inspectTorrent', () => magnetPreview));
    fireEvent.keyDown(window, { key: 'u', ctrlKey: true });
    const uri = `magnet:?xt=urn:btih:${hash}&dn=album`;
    fireEvent.change(screen.getByRole('textbox', { name: 'Magnet link' }), { target: { value: uri } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    return { app, uri, add: screen.getByRole('dialog', { name: 'Add torrent' }) };
  }

  it('fetches the metadata, says how many peers it found, then shows the files to choose from and adds with the skipped ones', async () => {
    const { app, uri, add } = await openMagnet(apiWithPreview());
    expect(app.api.callsOf('fetchMetadata')).toEqual([{ uri }]);
    expect(within(add).getByRole('status').textContent).toBe('Fetching the list of files from peers… No peers found yet.');
    app.emit('metadata', { infoHash: hash, peers: 1, preview: null, problem: null });
    expect(within(add).getByRole('status').textContent).toBe('Fetching the list of files from peers… 1 peer found.');
    app.emit('metadata', { infoHash: 'ab'.repeat(20), peers: 3, preview: null, problem: null });
    expect(within(add).getByRole('status').textContent).toContain('1 peer found.');
    app.emit('metadata', { infoHash: hash, peers: 2, preview, problem: null });
    expect(within(add).queryByRole('status')).toBeNull();
    expect(add.textContent).toContain('2.93 KiB of 2.93 KiB');
    fireEvent.click(within(add).getByRole('checkbox', { name: /^a\.flac/ }));
    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Add' })));
    expect(app.api.callsOf('addTorrent')).toEqual([{ source: { kind: 'magnet', uri }, paused: false, savePath: defaultSettings.downloadDir, skipFiles: [0] }]);
  });

  it('says why the fetch failed, tries again on demand, and cancels the fetch when the dialog is cancelled', async () => {
    const { app, uri, add } = await openMagnet(apiWithPreview());
    const sentence = 'No peer sent the metadata of "album" within 90 seconds. Add it without waiting to keep looking for peers in the background, or try again later.';
    app.emit('metadata', { infoHash: hash, peers: 0, preview: null, problem: sentence });
    expect(within(add).getByRole('alert').textContent).toBe(sentence);
    expect(within(add).getByRole('button', { name: 'Add without waiting' })).toHaveProperty('disabled', false);
    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Try again' })));
    expect(app.api.callsOf('fetchMetadata')).toEqual([{ uri }, { uri }]);
    expect(within(add).getByRole('status').textContent).toContain('No peers found yet.');
    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Cancel' })));
    expect(screen.queryByRole('dialog')).toBeNull();
    // Once for the retry (the first fetch had ended), once for the dialog.
    expect(app.api.callsOf('cancelMetadata')).toEqual([{ infoHash: hash }, { infoHash: hash }]);
    expect(app.api.callsOf('addTorrent')).toEqual([]);
  });

  it('does not fetch a magnet already in the list, and offers to add its trackers to the one there', async () => {
    const api = apiWithPreview()
      .respond('inspectTorrent', () => ({ ...magnetPreview, trackers: ['http://one.example/announce', 'udp://two.example:80'] }))
      .respond('addTrackers', () => ({ added: 1 }));
    const app = await renderApp(api);
    app.emit('torrents', { full: true, changed: [summary(1, { infoHash: hash, name: 'album' })], removed: [] });
    fireEvent.keyDown(window, { key: 'u', ctrlKey: true });
    fireEvent.change(screen.getByRole('textbox', { name: 'Magnet link' }), { target: { value: `magnet:?xt=urn:btih:${hash}` } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    const add = screen.getByRole('dialog', { name: 'Add torrent' });
    expect(api.callsOf('fetchMetadata')).toEqual([]);
    expect(add.textContent).toContain('This one has 2 trackers: http://one.example/announce, udp://two.example:80');
    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Add its trackers to "album"' })));
    expect(api.callsOf('addTrackers')).toEqual([{ infoHash: hash, urls: ['http://one.example/announce', 'udp://two.example:80'] }]);
    expect(within(add).getByRole('status').textContent).toBe('Added 1 new tracker to "album".');
  });
});

describe('adding .torrent files', () => {
  it('uploads the bytes, lets the user skip files, pick a folder and start paused', async () => {
    const app = await renderApp(apiWithPreview());
    await choose([torrentFile()]);
    expect(app.api.callsOf('inspectTorrent')).toEqual([{ data: Uint8Array.from([100, 52, 58]) }]);

    const add = screen.getByRole('dialog', { name: 'Add torrent' });
    expect(add.textContent).toContain('album');
    expect(add.textContent).toContain('2.93 KiB of 2.93 KiB');
    fireEvent.click(within(add).getByRole('checkbox', { name: /^b\.flac/ }));
    expect(add.textContent).toContain('1000 B of 2.93 KiB');
    fireEvent.change(within(add).getByRole('textbox', { name: 'Destination folder' }), { target: { value: '/mnt/music' } });
    fireEvent.click(within(add).getByRole('checkbox', { name: 'Start paused' }));
    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Add' })));

    expect(app.api.callsOf('addTorrent')).toEqual([
      { source: { kind: 'torrent', data: Uint8Array.from([100, 52, 58]), fileName: 'album.torrent' }, savePath: '/mnt/music', paused: true, skipFiles: [2] },
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('adds with a category, whose folder becomes the destination, and the tags typed', async () => {
    const settings = { ...defaultSettings, categories: { music: { savePath: '/mnt/music', shareLimits: null } } };
    const app = await renderApp(apiWithPreview().respond('getSettings', () => settings));
    await choose([torrentFile()]);
    const add = screen.getByRole('dialog', { name: 'Add torrent' });
    fireEvent.change(within(add).getByRole('combobox', { name: 'Category' }), { target: { value: 'music' } });
    expect(within(add).getByRole('textbox', { name: 'Destination folder' })).toHaveProperty('value', '/mnt/music');
    fireEvent.change(within(add).getByRole('textbox', { name: 'Tags (comma-separated)' }), { target: { value: 'flac, live ,' } });
    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Add' })));
    expect(app.api.callsOf('addTorrent')).toEqual([
      { source: { kind: 'torrent', data: Uint8Array.from([100, 52, 58]), fileName: 'album.torrent' }, savePath: '/mnt/music', paused: false, category: 'music', tags: ['flac', 'live'] },
    ]);
  });

  it('cannot add with every file unticked', async () => {
    await renderApp(apiWithPreview());
    await choose([torrentFile()]);
    const add = screen.getByRole('dialog', { name: 'Add torrent' });
    fireEvent.click(within(add).getByRole('button', { name: 'None' }));
    expect(within(add).getByRole('button', { name: 'Add' })).toHaveProperty('disabled', true);
  });

  it('keeps the dialog and the choices when the engine refuses, and says why', async () => {
    const api = apiWithPreview().respond('addTorrent', () => Promise.reject(new ShoalError('disk-full', 'The download disk is full.')));
    await renderApp(api);
    await choose([torrentFile()]);
    const add = screen.getByRole('dialog', { name: 'Add torrent' });
    fireEvent.click(within(add).getByRole('checkbox', { name: 'Start paused' }));
    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Add' })));
    expect(within(add).getByRole('alert').textContent).toBe('The download disk is full.');
    expect(within(add).getByRole('checkbox', { name: 'Start paused' })).toHaveProperty('checked', true);
    expect(within(add).getByRole('button', { name: 'Add' })).toHaveProperty('disabled', false);
  });

  it('previews several files one after another', async () => {
    const api = apiWithPreview();
    await renderApp(api);
    await choose([torrentFile('one.torrent'), torrentFile('two.torrent', [1])]);
    expect(api.callsOf('inspectTorrent')).toHaveLength(2);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel' })));
    expect(screen.getByRole('dialog', { name: 'Add torrent' })).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Add' })));
    expect(api.callsOf('addTorrent')).toEqual([{ source: { kind: 'torrent', data: Uint8Array.from([1]), fileName: 'two.torrent' }, paused: false, savePath: defaultSettings.downloadDir }]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('reports a file that is not a torrent, or that the engine cannot read, as an alert', async () => {
    const api = new FakeApi().respond('inspectTorrent', () => Promise.reject(new ShoalError('invalid-torrent', 'The file is not valid bencode.')));
    await renderApp(api);
    await choose([new File(['x'], 'notes.txt'), torrentFile('broken.torrent')]);
    const alerts = screen.getAllByRole('alert').map((a) => a.textContent);
    expect(alerts[0]).toContain('"notes.txt" is not a .torrent file.');
    expect(alerts[1]).toContain('Could not open "broken.torrent": The file is not valid bencode.');
    expect(api.callsOf('inspectTorrent')).toHaveLength(1);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('opens the file chooser with Ctrl+O', async () => {
    await renderApp(apiWithPreview());
    const input = document.querySelector<HTMLInputElement>('input[type="file"]')!;
    const click = vi.spyOn(input, 'click').mockImplementation(() => undefined);
    fireEvent.keyDown(window, { key: 'o', ctrlKey: true });
    expect(click).toHaveBeenCalledTimes(1);
    expect(input.accept).toBe('.torrent');
  });
});

describe('dropping onto the window', () => {
  function dragEvent(type: 'dragEnter' | 'drop', dataTransfer: object) {
    const event = createEvent[type](window, { dataTransfer });
    fireEvent(window, event);
    return event;
  }

  it('shows an overlay while dragging and previews a dropped .torrent', async () => {
    const api = apiWithPreview();
    await renderApp(api);
    act(() => void dragEvent('dragEnter', { types: ['Files'], files: [] }));
    expect(screen.getByRole('region', { name: 'Drop to add' })).toBeTruthy();
    await act(async () => void dragEvent('drop', { types: ['Files'], files: [torrentFile()], getData: () => '' }));
    expect(screen.queryByRole('region', { name: 'Drop to add' })).toBeNull();
    expect(api.callsOf('inspectTorrent')).toEqual([{ data: Uint8Array.from([100, 52, 58]) }]);
    expect(screen.getByRole('dialog', { name: 'Add torrent' })).toBeTruthy();
  });

  it('previews dropped magnet text, and explains anything else', async () => {
    const api = apiWithPreview();
    await renderApp(api);
    const uri = `magnet:?xt=urn:btih:${hash}&dn=album`;
    await act(async () => void dragEvent('drop', { types: ['text/plain'], files: [], getData: (t: string) => (t === 'text/plain' ? `see\n${uri}\n` : '') }));
    expect(api.callsOf('inspectTorrent')).toEqual([{ uri }]);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel' })));
    await act(async () => void dragEvent('drop', { types: ['text/plain'], files: [], getData: () => 'just words' }));
    expect(screen.getByRole('alert').textContent).toContain('Drop a .torrent file or a magnet link.');
  });
});

describe('the add dialog checks before Add', () => {
  it('flags a torrent already in the list at once, and Add stays off', async () => {
    const app = await renderApp(apiWithPreview());
    app.emit('torrents', { full: true, changed: [summary(1, { infoHash: hash, name: 'album' })], removed: [] });
    await choose([torrentFile()]);
    const add = screen.getByRole('dialog', { name: 'Add torrent' });
    expect(within(add).getByRole('alert').textContent).toBe('"album" is already in the list. Cancel, or choose another torrent.');
    expect((within(add).getByRole('button', { name: 'Add' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('says how much is free at the destination, and why a folder cannot take the download', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const api = apiWithPreview().respond('checkFolder', ({ path }) => (path === 'music' ? { problem: '"music" is not a full path. Give the folder\'s full path, starting with / (for example /home/you/Downloads).', freeSpace: null } : { problem: null, freeSpace: 2048 }));
      await renderApp(api);
      await choose([torrentFile()]);
      const add = screen.getByRole('dialog', { name: 'Add torrent' });
      const folder = within(add).getByRole('textbox', { name: 'Destination folder' });
      await act(async () => vi.advanceTimersByTimeAsync(300));
      expect(add.textContent).toContain('2.00 KiB free there: not enough for the 2.93 KiB chosen');
      fireEvent.change(folder, { target: { value: 'music' } });
      await act(async () => vi.advanceTimersByTimeAsync(300));
      expect(add.textContent).toContain('"music" is not a full path.');
      expect(folder.getAttribute('aria-invalid')).toBe('true');
      expect((within(add).getByRole('button', { name: 'Add' }) as HTMLButtonElement).disabled).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows the files as a folder tree: unticking the folder skips every file in it', async () => {
    const app = await renderApp(apiWithPreview());
    await choose([torrentFile()]);
    const add = screen.getByRole('dialog', { name: 'Add torrent' });
    fireEvent.click(within(add).getByRole('checkbox', { name: /^album/ }));
    expect((within(add).getByRole('checkbox', { name: /^a\.flac/ }) as HTMLInputElement).checked).toBe(false);
    fireEvent.click(within(add).getByRole('checkbox', { name: /^b\.flac/ }));
    expect((within(add).getByRole('checkbox', { name: /^album/ }) as HTMLInputElement).indeterminate).toBe(true);
    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Add' })));
    expect(app.api.callsOf('addTorrent')[0]).toMatchObject({ skipFiles: [0] });
  });
});

