import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { GeneralInfo, TorrentSummary } from '../../api/contract';
import { defaultSettings, renderApp } from '../../testing/render-app';
import { FakeApi } from '../../testing/fake-api';
import { generalInfo, hashOf, summary } from '../../testing/torrents';

afterEach(cleanup);

async function showGeneral(info: GeneralInfo, over: Partial<TorrentSummary> = {}) {
  const app = await renderApp();
  app.emit('torrents', { full: true, changed: [summary(1, { name: 'alpha', ...over })], removed: [] });
  fireEvent.mouseDown(screen.getAllByRole('row').find((r) => r.textContent?.includes('alpha'))!);
  app.emit('detail', { infoHash: hashOf(1), general: info });
  return screen.getByRole('tabpanel').textContent ?? '';
}

describe('the General tab', () => {
  it('gives the size and the pieces of a torrent', async () => {
    expect(await showGeneral(generalInfo({}))).toContain('Size1.00 KiB (4 × 256 B)');
  });

  it('shows the version and both info-hashes of a hybrid, only the v2 one of a v2-only torrent', async () => {
    const v2 = 'cd'.repeat(32);
    const hybrid = await showGeneral(generalInfo({ version: 'hybrid', infoHashV2: v2 }));
    expect(hybrid).toContain('VersionHybrid (v1 and v2)');
    expect(hybrid).toContain(`Info-hash${hashOf(1)}`);
    expect(hybrid).toContain(`Info-hash v2${v2}`);
    cleanup();
    const only = await showGeneral(generalInfo({ version: 'v2', infoHashV2: v2 }));
    expect(only).toContain('VersionBitTorrent v2');
    expect(only).not.toContain(`Info-hash${hashOf(1)}`);
    expect(only).toContain(`Info-hash v2${v2}`);
    cleanup();
    const v1 = await showGeneral(generalInfo({}));
    expect(v1).toContain('VersionBitTorrent v1');
    expect(v1).not.toContain('Info-hash v2');
  });

  it('says the size is unknown while a magnet fetches its metadata', async () => {
    const text = await showGeneral(generalInfo({ length: 0, pieceLength: 0, pieceCount: 0 }));
    expect(text).toContain('SizeUnknown until the metadata arrives');
    expect(text).not.toContain('0 × 0');
  });

  it('says first why a torrent stopped and what to do, and nothing of the kind when it runs', async () => {
    const reason = 'The disk is full while writing /downloads/alpha. Free some space on that disk, then resume the torrent.';
    const text = await showGeneral(generalInfo({}), { state: 'error', error: reason });
    expect(text.startsWith(`Stopped by an error${reason}`)).toBe(true);
    cleanup();
    expect(await showGeneral(generalInfo({}))).not.toContain('Stopped by an error');
  });

  it('says why no tracker answers, and counts one peer as "1 peer"', async () => {
    const text = await showGeneral(generalInfo({}), { trackerError: 'The tracker cannot be reached (ECONNREFUSED): nothing answers at its address.', peers: { connected: 1, seeds: 1 } });
    expect(text).toContain('No tracker answersThe tracker cannot be reached (ECONNREFUSED)');
    expect(text).toContain('Connected1 peer (1 seed)');
  });

  it('shows availability 0 as healthy, not red, for a torrent we hold whole; red for one we lack and nobody has', async () => {
    await showGeneral(generalInfo({ availability: 0 }), { progress: 1, length: 1024, wanted: 1024, state: 'seeding' });
    expect(screen.getByText('0.000').className).toBe('health healthy');
    cleanup();
    await showGeneral(generalInfo({ availability: 0 }), { progress: 0.5, length: 1024, wanted: 1024 });
    expect(screen.getByText('0.000').className).toBe('health dead');
  });

  it('gives the wanted size beside the whole size when files are skipped', async () => {
    expect(await showGeneral(generalInfo({}), { length: 1024, wanted: 512 })).toContain('Size1.00 KiB (4 × 256 B), 512 B wanted');
  });
});

describe('category and tags in the General tab', () => {
  it('sends only what changed: the new category, tags added and removed; the draft goes once accepted', async () => {
    const api = new FakeApi().respond('getSettings', () => ({ ...defaultSettings, categories: { films: { savePath: '/films', shareLimits: null }, books: { savePath: '/books', shareLimits: null } } }));
    const app = await renderApp(api);
    app.emit('torrents', { full: true, changed: [summary(1, { name: 'alpha', category: 'books', tags: ['old', 'keep'] })], removed: [] });
    fireEvent.mouseDown(screen.getAllByRole('row').find((r) => r.textContent?.includes('alpha'))!);
    app.emit('detail', { infoHash: hashOf(1), general: generalInfo({}) });
    const form = within(screen.getByRole('form', { name: 'Category and tags' }));
    const category = form.getByRole('combobox', { name: 'Category' }) as HTMLSelectElement;
    const tags = form.getByRole('textbox', { name: 'Tags (comma-separated)' }) as HTMLInputElement;
    expect(category.value).toBe('books');
    expect(tags.value).toBe('old, keep');
    fireEvent.change(category, { target: { value: 'films' } });
    fireEvent.change(tags, { target: { value: 'keep, new' } });
    await act(async () => fireEvent.click(form.getByRole('button', { name: 'Apply' })));
    expect(app.api.callsOf('setLabels')).toEqual([{ infoHashes: [hashOf(1)], category: 'films', addTags: ['new'], removeTags: ['old'] }]);
    expect((form.getByRole('button', { name: 'Apply' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
