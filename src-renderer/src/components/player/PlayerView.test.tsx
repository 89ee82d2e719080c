import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderApp, renderDetailTab } from '../../testing/render-app';
import { hashOf, summary } from '../../testing/torrents';
import { usePlayer } from './player-store';

afterEach(() => {
  cleanup();
  usePlayer.getState().close();
});

const capability = '/stream/cap/abc123/clip.webm';

describe('the player', () => {
  it('plays a file from the Files tab: asks the engine for its stream and opens it in a video with the download beside it', async () => {
    const app = await renderDetailTab('Files');
    app.api.respond('streamFile', () => ({ url: capability, name: 'clip.webm', length: 1000, mimeType: 'video/webm' }));
    app.emit('detail', {
      infoHash: hashOf(1),
      files: [
        { index: 0, path: 'alpha/notes.txt', length: 10, progress: 0, priority: 'normal' },
        { index: 1, path: 'alpha/clip.webm', length: 1000, progress: 0, priority: 'skip' },
      ],
    });
    // Only audio and video get a Play button.
    expect(screen.queryByRole('button', { name: 'Play notes.txt' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Play clip.webm' }));
    await act(async () => {});
    expect(app.api.callsOf('streamFile')).toEqual([{ infoHash: hashOf(1), fileIndex: 1 }]);
    const dialog = screen.getByRole('dialog', { name: 'clip.webm' });
    const video = within(dialog).getByLabelText('Player: clip.webm');
    expect(video.tagName).toBe('VIDEO');
    expect(video.getAttribute('src')).toBe(new URL(capability, window.location.href).href);
    expect(within(dialog).getByRole('img', { name: /^Buffered: / })).toBeTruthy();
    expect(within(dialog).getByLabelText('Download').textContent).toMatch(/Downloading/);
    expect(within(dialog).getByRole('link', { name: 'Open in external player' }).getAttribute('href')).toBe(video.getAttribute('src'));

    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Copy stream URL' }));
    await act(async () => {});
    expect(writeText).toHaveBeenCalledWith(video.getAttribute('src'));
    expect(within(dialog).getByRole('button', { name: 'Copied' })).toBeTruthy();

    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog', { name: 'clip.webm' })).toBeNull();
  });

  it('plays a single-file torrent from its list row; a kind Chromium does not play offers the external player only', async () => {
    const app = await renderApp();
    app.api.respond('streamFile', () => ({ url: '/stream/cap/k/film.mkv', name: 'film.mkv', length: 5, mimeType: 'video/x-matroska' }));
    app.emit('torrents', { full: true, changed: [summary(2, { name: 'film.mkv' }), summary(3, { name: 'readme.txt' })], removed: [] });
    expect(screen.queryByRole('button', { name: 'Play readme.txt' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Play film.mkv' }));
    await act(async () => {});
    expect(app.api.callsOf('streamFile')).toEqual([{ infoHash: hashOf(2), fileIndex: 0 }]);
    const dialog = screen.getByRole('dialog', { name: 'film.mkv' });
    expect(dialog.querySelector('video, audio')).toBeNull();
    expect(dialog.textContent).toContain('does not play here');
    expect(within(dialog).getByRole('link', { name: 'Open in external player' })).toBeTruthy();
  });
});
