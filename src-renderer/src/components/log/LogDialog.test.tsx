import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogEntry } from '../../api/contract';
import { FakeApi } from '../../testing/fake-api';
import { renderApp } from '../../testing/render-app';
import { hashOf, summary } from '../../testing/torrents';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

const earlier: LogEntry[] = [
  { id: 1, at: Date.UTC(2026, 0, 1, 10), kind: 'error', message: 'beta: no space left', infoHash: hashOf(2), name: 'beta' },
  { id: 2, at: Date.UTC(2026, 0, 1, 11), kind: 'torrent-finished', message: 'alpha finished downloading', infoHash: hashOf(1), name: 'alpha' },
];

const rows = () => within(screen.getByRole('dialog', { name: 'Log' })).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell').slice(1).map((c) => c.textContent));

describe('Log', () => {
  it('shows the engine’s log from before the page loaded, newest first, grows with numbered notices, and filters by torrent and kind', async () => {
    const app = await renderApp(new FakeApi().respond('getLog', () => ({ entries: earlier })));
    app.emit('torrents', { full: true, changed: [summary(1, { name: 'alpha' })], removed: [] });
    await act(async () => {});
    app.emit('notice', { kind: 'ratio-reached', message: 'alpha reached its share limits and was paused', infoHash: hashOf(1), id: 3, at: Date.UTC(2026, 0, 1, 12), name: 'alpha' });
    // Not the engine's log: the UI's own errors and unnumbered notices stay out of it.
    app.emit('notice', { kind: 'error', message: 'The engine stopped' });
    fireEvent.click(screen.getByRole('button', { name: 'Log' }));
    expect(rows()).toEqual([
      ['Share limits reached', 'alpha', 'alpha reached its share limits and was paused'],
      ['Finished', 'alpha', 'alpha finished downloading'],
      ['Error', 'beta', 'beta: no space left'],
    ]);
    fireEvent.change(screen.getByRole('combobox', { name: 'Torrent' }), { target: { value: hashOf(1) } });
    expect(rows().map((r) => r[0])).toEqual(['Share limits reached', 'Finished']);
    fireEvent.change(screen.getByRole('combobox', { name: 'Kind' }), { target: { value: 'torrent-finished' } });
    expect(rows()).toEqual([['Finished', 'alpha', 'alpha finished downloading']]);
    fireEvent.change(screen.getByRole('combobox', { name: 'Kind' }), { target: { value: 'error' } });
    expect(screen.getByText('No entry matches.')).toBeTruthy();
  });

  it('notifies a finished download once the user turned it on and the browser allowed it, and not before', async () => {
    const shown: { title: string; body: string | undefined }[] = [];
    // The browser's Notification: a constructor with the permission on it.
    const FakeNotification = Object.assign(
      function (title: string, options?: NotificationOptions) {
        shown.push({ title, body: options?.body });
      },
      { permission: 'default' as NotificationPermission, requestPermission: vi.fn(async () => (FakeNotification.permission = 'granted')) },
    );
    vi.stubGlobal('Notification', FakeNotification);
    const app = await renderApp();
    const finished = { kind: 'torrent-finished' as const, message: 'alpha finished downloading', infoHash: hashOf(1), id: 1, at: 1, name: 'alpha' };
    app.emit('notice', finished);
    expect(shown).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Log' }));
    const toggle = screen.getByRole('checkbox', { name: /Notify me when a download finishes/ });
    fireEvent.click(toggle);
    await act(async () => {});
    expect(FakeNotification.requestPermission).toHaveBeenCalledOnce();
    expect((toggle as HTMLInputElement).checked).toBe(true);
    app.emit('notice', { ...finished, id: 2 });
    app.emit('notice', { kind: 'error', message: 'beta: no space left', id: 3, at: 2 });
    expect(shown).toEqual([{ title: 'Download complete', body: 'alpha' }]);
  });

  it('stays off when the browser refuses, and says so', async () => {
    vi.stubGlobal('Notification', { permission: 'default', requestPermission: async () => 'denied' });
    await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Log' }));
    const toggle = screen.getByRole('checkbox', { name: /Notify me when a download finishes/ });
    fireEvent.click(toggle);
    await act(async () => {});
    expect((toggle as HTMLInputElement).checked).toBe(false);
    expect(screen.getByRole('status').textContent).toContain('does not allow notifications');
  });
});
