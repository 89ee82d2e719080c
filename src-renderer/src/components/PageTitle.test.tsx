import { cleanup } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp } from '../testing/render-app';

afterEach(cleanup);

describe('page title', () => {
  it('shows the download and upload speeds once the engine sends them', async () => {
    const app = await renderApp();
    expect(document.title).toBe('Shoal');
    app.emit('stats', { downRate: 2 * 1024 * 1024, upRate: 0, connectedPeers: 1, freeSpace: null, downloadDir: '/d', altSpeedActive: false });
    await expect.poll(() => document.title).toBe('↓ 2.00 MiB/s ↑ 0 B/s – Shoal');
  });
});
