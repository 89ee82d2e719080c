import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ShoalError } from '../../../src-shared/errors';
import { FakeApi } from '../testing/fake-api';
import { defaultSettings, renderApp } from '../testing/render-app';

afterEach(cleanup);

const hash = 'c9e15763f722f23e98a29decdfae341b98d53056';

async function failedAdd() {
  const api = new FakeApi()
    .respond('getSettings', () => defaultSettings)
    .respond('inspectTorrent', () => ({ infoHash: hash, version: 'v1', infoHashV2: null, name: 'album', length: 1000, files: [{ index: 0, path: 'album/a.flac', length: 1000 }], trackers: [] }))
    .respond('addTorrent', () => Promise.reject(new ShoalError('already-exists', '"album" is already in the list')));
  const app = await renderApp(api);
  fireEvent.keyDown(window, { key: 'u', ctrlKey: true });
  fireEvent.change(screen.getByRole('textbox', { name: 'Magnet link' }), { target: { value: `magnet:?xt=urn:btih:${hash}` } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
  const dialog = screen.getByRole('dialog', { name: 'Add torrent' });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Add' })));
  return { app, dialog };
}

describe('a dialog', () => {
  it('after a failed Add, Escape still closes it though focus fell out of it, and focus goes back behind it', async () => {
    const { dialog } = await failedAdd();
    expect(within(dialog).getByRole('alert').textContent).toBe('"album" is already in the list');
    (document.activeElement as HTMLElement | null)?.blur();
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.querySelector('[inert]')).toBeNull();
  });

  it('Tab from outside brings focus back into it; the page behind is inert', async () => {
    const { dialog } = await failedAdd();
    (document.activeElement as HTMLElement | null)?.blur();
    fireEvent.keyDown(document.body, { key: 'Tab' });
    expect(dialog.contains(document.activeElement)).toBe(true);
    expect(screen.getByRole('toolbar', { name: 'Torrent actions', hidden: true }).closest('[inert]')).not.toBeNull();
  });

  it('opens one at a time: Ctrl+U and Ctrl+, do nothing while one is open', async () => {
    await failedAdd();
    fireEvent.keyDown(window, { key: 'u', ctrlKey: true });
    fireEvent.keyDown(window, { key: ',', ctrlKey: true });
    expect(screen.getAllByRole('dialog')).toHaveLength(1);
    expect(screen.getByRole('dialog', { name: 'Add torrent' })).toBeTruthy();
  });
});
