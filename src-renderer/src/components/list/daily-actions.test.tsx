import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../App';
import type { NativeFiles } from '../../api/native-files';
import { createShoalStore } from '../../store/store';
import { FakeApi } from '../../testing/fake-api';
import { defaultSettings, renderApp } from '../../testing/render-app';
import { generalInfo, hashOf, summary } from '../../testing/torrents';

afterEach(cleanup);

const row = (name: string) => screen.getAllByRole('row').find((r) => r.textContent?.includes(name))!;

async function withTwo() {
  const app = await renderApp();
  app.emit('torrents', {
    full: true,
    changed: [summary(1, { name: 'alpha', state: 'queued' }), summary(2, { name: 'bravo', state: 'downloading', forced: true })],
    removed: [],
  });
  return app;
}

async function menuItem(name: string, on: string) {
  fireEvent.contextMenu(row(on));
  await act(async () => fireEvent.click(screen.getByRole('menuitem', { name })));
}

describe('daily actions on the selection', () => {
  it('force starts from the toolbar and the menu, reannounces from the menu, and marks forced rows', async () => {
    const app = await withTwo();
    expect(within(row('bravo')).getAllByRole('gridcell').map((c) => c.textContent)).toContain('Downloading (forced)');
    expect(row('alpha').textContent).not.toContain('forced');
    fireEvent.mouseDown(row('alpha'));
    await act(async () => fireEvent.click(within(screen.getByRole('toolbar', { name: 'Torrent actions' })).getByRole('button', { name: 'Force start' })));
    fireEvent.mouseDown(row('bravo'), { ctrlKey: true });
    await menuItem('Force start', 'bravo');
    await menuItem('Reannounce', 'bravo');
    expect(app.api.callsOf('forceStart')).toEqual([{ infoHashes: [hashOf(1)] }, { infoHashes: [hashOf(1), hashOf(2)] }]);
    expect(app.api.callsOf('reannounce')).toEqual([{ infoHashes: [hashOf(1), hashOf(2)] }]);
  });

  it('copies magnet links (from the engine), info-hashes and names, one a line', async () => {
    const written: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void written.push(text) } });
    const app = await withTwo();
    app.api.respond('getMagnetLinks', ({ infoHashes }) => ({ links: infoHashes.map((h) => `magnet:?xt=urn:btih:${h}&tr=x`) }));
    fireEvent.mouseDown(row('alpha'));
    fireEvent.mouseDown(row('bravo'), { ctrlKey: true });
    await menuItem('Copy magnet link', 'bravo');
    await menuItem('Copy info-hash', 'bravo');
    await menuItem('Copy name', 'bravo');
    expect(written).toEqual([
      `magnet:?xt=urn:btih:${hashOf(1)}&tr=x\nmagnet:?xt=urn:btih:${hashOf(2)}&tr=x`,
      `${hashOf(1)}\n${hashOf(2)}`,
      'alpha\nbravo',
    ]);
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: undefined });
    await menuItem('Copy name', 'bravo');
    expect(screen.getByRole('alert').textContent).toContain('does not let the page use the clipboard');
  });
});

describe('speed limits for several torrents', () => {
  it('sets the same own limits on every selected torrent, refusing a bad number', async () => {
    const app = await withTwo();
    fireEvent.mouseDown(row('alpha'));
    fireEvent.mouseDown(row('bravo'), { ctrlKey: true });
    await menuItem('Speed limits…', 'bravo');
    const dialog = within(screen.getByRole('dialog', { name: 'Speed limits' }));
    expect(dialog.getByText(/2 torrents/)).toBeTruthy();
    fireEvent.change(dialog.getByRole('textbox', { name: 'Download limit' }), { target: { value: 'fast' } });
    await act(async () => fireEvent.click(dialog.getByRole('button', { name: 'Apply' })));
    expect(dialog.getByText(/Download limit must be a number/)).toBeTruthy();
    fireEvent.change(dialog.getByRole('textbox', { name: 'Download limit' }), { target: { value: '100' } });
    fireEvent.change(dialog.getByRole('textbox', { name: 'Upload limit' }), { target: { value: '' } });
    await act(async () => fireEvent.click(dialog.getByRole('button', { name: 'Apply' })));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(app.api.callsOf('setTorrentOptions')).toEqual([{ infoHashes: [hashOf(1), hashOf(2)], options: { speedLimit: { down: 100 * 1024, up: 0 } } }]);
  });
});

describe('rename a torrent', () => {
  it('from the menu and with F2: the name in the list, trimmed; empty goes back to its own', async () => {
    const app = await withTwo();
    fireEvent.mouseDown(row('alpha'));
    await menuItem('Rename…', 'alpha');
    const dialog = within(screen.getByRole('dialog', { name: 'Rename torrent' }));
    const field = dialog.getByRole('textbox', { name: 'Name in the list' }) as HTMLInputElement;
    expect(field.value).toBe('alpha');
    fireEvent.change(field, { target: { value: '  Alpha film ' } });
    await act(async () => fireEvent.click(dialog.getByRole('button', { name: 'Rename' })));
    expect(screen.queryByRole('dialog')).toBeNull();
    fireEvent.keyDown(screen.getByRole('grid'), { key: 'F2' });
    const again = within(screen.getByRole('dialog', { name: 'Rename torrent' }));
    fireEvent.change(again.getByRole('textbox', { name: 'Name in the list' }), { target: { value: '' } });
    await act(async () => fireEvent.click(again.getByRole('button', { name: 'Rename' })));
    expect(app.api.callsOf('renameTorrent')).toEqual([
      { infoHash: hashOf(1), name: 'Alpha film' },
      { infoHash: hashOf(1), name: null },
    ]);
  });
});

describe('open containing folder', () => {
  it('in the app, the menu and General show the data in the file manager, at its place on disk once the detail says it', async () => {
    const shown: string[] = [];
    const native: NativeFiles = { chooseSource: async () => null, saveTorrent: async () => null, showInFolder: async (path) => void shown.push(path) };
    const api = new FakeApi().respond('getSettings', () => defaultSettings);
    render(<App api={api} store={createShoalStore({ connected: true })} native={native} />);
    await act(async () => {});
    act(() => api.emit('torrents', { full: true, changed: [summary(1, { name: 'alpha', savePath: '/downloads' })], removed: [] }));
    fireEvent.mouseDown(row('alpha'));
    await menuItem('Open containing folder', 'alpha');
    act(() => api.emit('detail', { infoHash: hashOf(1), general: generalInfo({ contentPath: '/downloads/alpha-renamed' }) }));
    await menuItem('Open containing folder', 'alpha');
    await act(async () => fireEvent.click(within(screen.getByRole('tabpanel')).getByRole('button', { name: 'Open containing folder' })));
    expect(shown).toEqual(['/downloads', '/downloads/alpha-renamed', '/downloads/alpha-renamed']);
  });

  it('in the web UI, which cannot open folders, the menu has no such entry and General copies the path', async () => {
    const written: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void written.push(text) } });
    const app = await withTwo();
    fireEvent.mouseDown(row('alpha'));
    fireEvent.contextMenu(row('alpha'));
    expect(screen.queryByRole('menuitem', { name: 'Open containing folder' })).toBeNull();
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    app.emit('detail', { infoHash: hashOf(1), general: generalInfo({ contentPath: '/downloads/alpha' }) });
    await act(async () => fireEvent.click(within(screen.getByRole('tabpanel')).getByRole('button', { name: 'Copy path' })));
    expect(written).toEqual(['/downloads/alpha']);
  });
});
