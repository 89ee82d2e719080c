import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApi } from '../../testing/fake-api';
import { renderApp } from '../../testing/render-app';
import { hashOf, summary } from '../../testing/torrents';

afterEach(cleanup);

const stats = { downRate: 0, upRate: 0, connectedPeers: 0, freeSpace: null, downloadDir: '/d', altSpeedActive: false };

describe('Statistics', () => {
  it('shows data moved this session and all time with their ratios, and the whole session’s speed graph with its figures in words and a table', async () => {
    const api = new FakeApi().respond('getSpeedHistory', () => ({ stepMs: 1000, endedAt: 0, down: [0, 1024, 3072], up: [512, 512, 512] }));
    const app = await renderApp(api);
    app.emit('stats', { ...stats, transfer: { session: { downloaded: 2 * 1024 ** 3, uploaded: 1024 ** 3 }, allTime: { downloaded: 4 * 1024 ** 3, uploaded: 6 * 1024 ** 3 }, sessionStartedAt: 0 } });
    fireEvent.click(screen.getByRole('button', { name: 'Statistics' }));
    await act(async () => {});
    const dialog = screen.getByRole('dialog', { name: 'Statistics' });
    const cells = (row: string) => within(within(dialog).getByRole('row', { name: new RegExp(`^${row}`) })).getAllByRole('cell').map((c) => c.textContent);
    expect(cells('Downloaded')).toEqual(['2.00 GiB', '4.00 GiB']);
    expect(cells('Uploaded')).toEqual(['1.00 GiB', '6.00 GiB']);
    expect(cells('Ratio')).toEqual(['0.50', '1.50']);
    expect(app.api.callsOf('getSpeedHistory')).toEqual([{ infoHash: null, span: '5m' }]);
    expect(within(dialog).getByText(/Download now 3\.00 KiB\/s, average 1\.33 KiB\/s, peak 3\.00 KiB\/s\. Upload now 512 B\/s/)).toBeTruthy();
    const table = within(dialog).getByRole('table', { name: /Speed of all torrents, average rates over the last 5 minutes/ });
    expect(within(table).getByRole('row', { name: /now/ }).textContent).toContain('1.33 KiB/s');

    fireEvent.click(within(dialog).getByRole('button', { name: 'Last 30 minutes' }));
    await act(async () => {});
    expect(app.api.callsOf('getSpeedHistory').at(-1)).toEqual({ infoHash: null, span: '30m' });
    expect(within(dialog).getByRole('button', { name: 'Last 30 minutes' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('graphs the selected torrent in its Speed tab, without a detail subscription', async () => {
    const app = await renderApp(new FakeApi().respond('getSpeedHistory', () => ({ stepMs: 1000, endedAt: 0, down: [10], up: [0] })));
    app.emit('torrents', { full: true, changed: [summary(1, { name: 'alpha' })], removed: [] });
    fireEvent.mouseDown(screen.getAllByRole('row').find((r) => r.textContent?.includes('alpha'))!);
    fireEvent.click(screen.getByRole('tab', { name: 'Speed' }));
    await act(async () => {});
    expect(app.api.callsOf('getSpeedHistory').at(-1)).toEqual({ infoHash: hashOf(1), span: '5m' });
    expect(app.api.callsOf('subscribe').at(-1)).toEqual({ infoHash: hashOf(1), tab: null });
    expect(screen.getByRole('figure', { name: 'Speed of alpha' })).toBeTruthy();
  });
});
