import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultTorrentOptions, type GeneralInfo, type TorrentOptions } from '../../api/contract';
import { FakeApi } from '../../testing/fake-api';
import { renderApp } from '../../testing/render-app';
import { generalInfo, hashOf, summary } from '../../testing/torrents';

afterEach(cleanup);

function general(options: TorrentOptions, seedingTime = 0): GeneralInfo {
  return generalInfo({ options, seedingTime });
}

async function showOptions(api = new FakeApi(), options: TorrentOptions = defaultTorrentOptions, seedingTime = 0) {
  const app = await renderApp(api);
  app.emit('torrents', { full: true, changed: [summary(1, { name: 'alpha' })], removed: [] });
  fireEvent.mouseDown(screen.getAllByRole('row').find((r) => r.textContent?.includes('alpha'))!);
  app.emit('detail', { infoHash: hashOf(1), general: general(options, seedingTime) });
  const form = screen.getByRole('form', { name: 'Torrent options' });
  const apply = () => act(async () => fireEvent.click(within(form).getByRole('button', { name: 'Apply' })));
  return { ...app, form, apply };
}

describe('a torrent’s options in the General tab', () => {
  it('shows its seeding time and options, and sends only what changed', async () => {
    const o = await showOptions(undefined, { ...defaultTorrentOptions, speedLimit: { down: 2 * 1024 * 1024, up: 0 } }, 2 * 3600 + 5 * 60);
    expect(screen.getByRole('tabpanel').textContent).toContain('Seeding time2h 5m');
    const down = within(o.form).getByRole('textbox', { name: 'Download limit' }) as HTMLInputElement;
    expect(down.value).toBe('2');
    expect((within(o.form).getByRole('combobox', { name: 'Download limit unit' }) as HTMLSelectElement).value).toBe('MiB');
    expect((within(o.form).getByRole('button', { name: 'Apply' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(within(o.form).getByRole('textbox', { name: 'Upload limit' }), { target: { value: '50' } });
    fireEvent.click(within(o.form).getByRole('checkbox', { name: 'Download in order (sequential)' }));
    fireEvent.click(within(o.form).getByRole('checkbox', { name: 'First and last pieces first' }));
    await o.apply();
    expect(o.api.callsOf('setTorrentOptions')).toEqual([
      { infoHashes: [hashOf(1)], options: { speedLimit: { down: 2 * 1024 * 1024, up: 50 * 1024 }, sequential: true, firstLastPiecesFirst: true } },
    ]);
    // Shown as applied at once, before the next detail update.
    expect((within(o.form).getByRole('checkbox', { name: 'Download in order (sequential)' }) as HTMLInputElement).checked).toBe(true);
    expect((within(o.form).getByRole('textbox', { name: 'Upload limit' }) as HTMLInputElement).value).toBe('50');
  });

  it('sets its own share limits, starting from the global ones, and goes back to the global ones', async () => {
    const o = await showOptions();
    expect(within(o.form).queryByRole('textbox', { name: 'Ratio limit' })).toBeNull();
    fireEvent.click(within(o.form).getByRole('checkbox', { name: 'Own seeding limits (else the global ones)' }));
    fireEvent.change(within(o.form).getByRole('textbox', { name: 'Ratio limit' }), { target: { value: '1.5' } });
    fireEvent.change(within(o.form).getByRole('textbox', { name: 'Seeding time limit (minutes)' }), { target: { value: '600' } });
    fireEvent.change(within(o.form).getByRole('combobox', { name: 'Then' }), { target: { value: 'remove' } });
    await o.apply();
    const own = { ratio: 1.5, seedingTimeMinutes: 600, inactiveSeedingTimeMinutes: null, match: 'any', action: 'remove' } as const;
    expect(o.api.callsOf('setTorrentOptions')).toEqual([{ infoHashes: [hashOf(1)], options: { shareLimits: own } }]);

    o.emit('detail', { infoHash: hashOf(1), general: general({ ...defaultTorrentOptions, shareLimits: own }) });
    fireEvent.click(within(o.form).getByRole('checkbox', { name: 'Own seeding limits (else the global ones)' }));
    await o.apply();
    expect(o.api.callsOf('setTorrentOptions').at(-1)).toEqual({ infoHashes: [hashOf(1)], options: { shareLimits: null } });
  });

  it('keeps the draft through detail updates, refuses bad values inline, and resets', async () => {
    const o = await showOptions();
    const up = () => within(o.form).getByRole('textbox', { name: 'Upload limit' }) as HTMLInputElement;
    fireEvent.change(up(), { target: { value: 'lots' } });
    o.emit('detail', { infoHash: hashOf(1), general: general(defaultTorrentOptions, 10) });
    expect(up().value).toBe('lots');
    await o.apply();
    expect(o.api.callsOf('setTorrentOptions')).toEqual([]);
    expect(up().getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(up().getAttribute('aria-describedby')!)?.textContent).toMatch(/^Upload limit must be a number of KiB\/s/);
    fireEvent.click(within(o.form).getByRole('button', { name: 'Reset' }));
    expect(up().value).toBe('');
    expect(up().getAttribute('aria-invalid')).toBe('false');
  });

  it('keeps the draft and shows the engine’s refusal', async () => {
    const o = await showOptions(new FakeApi().respond('setTorrentOptions', () => Promise.reject(new Error('Per-torrent limits are not supported yet.'))));
    fireEvent.change(within(o.form).getByRole('textbox', { name: 'Download limit' }), { target: { value: '300' } });
    await o.apply();
    expect(screen.getByRole('alert').textContent).toContain('Per-torrent limits are not supported yet.');
    expect((within(o.form).getByRole('textbox', { name: 'Download limit' }) as HTMLInputElement).value).toBe('300');
  });
});
