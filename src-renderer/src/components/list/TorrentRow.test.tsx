import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TorrentSummary } from '../../api/contract';
import { renderApp } from '../../testing/render-app';
import { summary } from '../../testing/torrents';

afterEach(cleanup);

async function rowOf(over: Partial<TorrentSummary>): Promise<string[]> {
  const app = await renderApp();
  app.emit('torrents', { full: true, changed: [summary(1, { name: 'alpha', ...over })], removed: [] });
  const row = screen.getAllByRole('row').find((r) => r.textContent?.includes('alpha'))!;
  return [...row.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent ?? '');
}

describe('a torrent row', () => {
  it('shows the wanted size, not the whole torrent, in the Size column', async () => {
    const cells = await rowOf({ length: 4 * 1024 * 1024, wanted: 1024 * 1024, progress: 1, state: 'seeding' });
    expect(cells[2]).toBe('1.00 MiB');
    expect(cells[3]).toBe('100%');
  });

  it('says Stalled for a download with nothing coming in, and Limit reached for a torrent its share limits paused', async () => {
    expect((await rowOf({ stalled: true }))[4]).toBe('Stalled');
    cleanup();
    expect((await rowOf({ state: 'paused', limitReached: true }))[4]).toBe('Limit reached');
    cleanup();
    expect((await rowOf({ state: 'paused' }))[4]).toBe('Paused');
  });

  it('says beside the name why no tracker answers', async () => {
    expect((await rowOf({ trackerError: 'The tracker cannot be reached (ECONNREFUSED).' }))[1]).toBe('alpha — The tracker cannot be reached (ECONNREFUSED).');
  });
});
