import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp } from '../testing/render-app';

afterEach(cleanup);

const stats = { downRate: 0, upRate: 0, connectedPeers: 0, freeSpace: null, downloadDir: '/d', altSpeedActive: false };

describe('the status bar', () => {
  it("shows the session's read cache: what it holds, its hit rate, and its budget in the title", async () => {
    const app = await renderApp();
    const bar = screen.getByRole('contentinfo', { name: 'Status bar' });
    app.emit('stats', stats);
    await act(async () => {});
    expect(bar.textContent).not.toContain('Cache');
    app.emit('stats', { ...stats, readCache: { budget: 64 * 1024 ** 2, bytes: 3 * 1024 ** 2, hits: 3, misses: 1 } });
    await act(async () => {});
    const figure = within(bar).getByText(/^Cache:/);
    expect(figure.textContent).toBe('Cache: 3.00 MiB · 75% hits');
    expect(figure.getAttribute('title')).toBe('Read cache for seeding: 3.00 MiB held of 64.0 MiB; 3 of 4 reads answered from it');
    app.emit('stats', { ...stats, readCache: { budget: 0, bytes: 0, hits: 0, misses: 0 } });
    await act(async () => {});
    expect(within(bar).getByText(/^Cache:/).textContent).toBe('Cache: 0 B · — hits');
  });
});
