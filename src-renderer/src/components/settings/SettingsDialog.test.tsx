import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../api/contract';
import { FakeApi } from '../../testing/fake-api';
import { defaultSettings, renderApp } from '../../testing/render-app';

afterEach(cleanup);

/** An engine that stores what it is sent, like the real one. */
function engine(initial: Settings = defaultSettings) {
  let stored = initial;
  return new FakeApi()
    .respond('getSettings', () => stored)
    .respond('setSettings', (input) => (stored = { ...stored, ...input }))
    .respond('checkFolder', ({ path }) => ({ problem: path.startsWith('/locked') ? `No permission to write in ${path}. Give your user access to it, or choose another folder.` : null, freeSpace: 1e9 }));
}

async function openSettings(api = engine()) {
  const app = await renderApp(api);
  fireEvent.click(screen.getByRole('button', { name: /Settings/ }));
  const dialog = screen.getByRole('dialog', { name: 'Settings' });
  const field = (name: string) => within(dialog).getByRole('textbox', { name });
  const type = (name: string, value: string) => fireEvent.change(field(name), { target: { value } });
  const save = () => act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save' })));
  return { ...app, dialog, field, type, save };
}

describe('settings dialog', () => {
  it('opens from the toolbar and with Ctrl+, and closes with Escape', async () => {
    await renderApp(engine());
    fireEvent.keyDown(window, { key: ',', ctrlKey: true });
    const dialog = screen.getByRole('dialog', { name: 'Settings' });
    expect((within(dialog).getByRole('textbox', { name: 'Download folder' }) as HTMLInputElement).value).toBe('/home/me/Downloads');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('checks a new download folder before saving, and says beside the field why it cannot take downloads', async () => {
    const s = await openSettings();
    s.type('Download folder', '/locked/downloads');
    await s.save();
    expect(within(s.dialog).getByText('No permission to write in /locked/downloads. Give your user access to it, or choose another folder.')).toBeTruthy();
    expect(s.api.callsOf('setSettings')).toEqual([]);
    s.type('Download folder', '/srv/downloads');
    await s.save();
    expect(s.api.callsOf('checkFolder')).toEqual([{ path: '/locked/downloads' }, { path: '/srv/downloads' }]);
    expect(s.api.callsOf('setSettings')).toEqual([{ downloadDir: '/srv/downloads' }]);
  });

  it('sends every section as setSettings input, only what changed, in bytes and minutes', async () => {
    const s = await openSettings();
    s.type('Download limit', '1.5');
    fireEvent.change(within(s.dialog).getByRole('combobox', { name: 'Download limit unit' }), { target: { value: 'MiB' } });
    s.type('Upload limit', '200');
    s.type('Alternative download limit', '100');
    fireEvent.click(within(s.dialog).getByRole('checkbox', { name: 'Use them on a schedule' }));
    fireEvent.click(within(s.dialog).getByRole('checkbox', { name: 'Saturday' }));
    fireEvent.click(within(s.dialog).getByRole('checkbox', { name: 'Monday' }));
    fireEvent.change(within(s.dialog).getByLabelText('From'), { target: { value: '22:00' } });
    fireEvent.change(within(s.dialog).getByLabelText('To'), { target: { value: '07:30' } });
    s.type('Ratio limit', '2.5');
    s.type('Inactive seeding limit (minutes)', '90');
    fireEvent.change(within(s.dialog).getByRole('combobox', { name: 'Stop when' }), { target: { value: 'all' } });
    fireEvent.change(within(s.dialog).getByRole('combobox', { name: 'Then' }), { target: { value: 'remove-with-files' } });
    s.type('Max active downloads', '1');
    s.type('Stalled after (minutes)', '0');
    s.type('Listening port', '51413');
    await s.save();
    expect(s.api.callsOf('setSettings')).toEqual([
      {
        listenPort: 51413,
        speedLimit: { down: 1_572_864, up: 204_800 },
        altSpeedLimit: { down: 102_400, up: 0 },
        altSpeedSchedule: { enabled: true, days: [2, 3, 4, 5, 6], fromMinute: 22 * 60, toMinute: 7 * 60 + 30 },
        shareLimits: { ratio: 2.5, seedingTimeMinutes: null, inactiveSeedingTimeMinutes: 90, match: 'all', action: 'remove-with-files' },
        queue: { maxActiveDownloads: 1, maxActiveSeeds: 5, maxActiveTorrents: 8, stalledMinutes: 0 },
      },
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
    // The saved limit shows beside the global rate.
    expect(screen.getByRole('contentinfo', { name: 'Status bar' }).textContent).toContain('max 1.50 MiB/s');
    // Many fields typed one by one: room for a busy machine (the assertions are the same).
  }, 20_000);

  it('refuses bad values with the reason beside each field, and sends nothing', async () => {
    const s = await openSettings();
    s.type('Download limit', '-5');
    s.type('Listening port', '99999');
    s.type('Download folder', 'relative/folder');
    s.type('Max active seeds', 'many');
    await s.save();
    expect(s.api.callsOf('setSettings')).toEqual([]);
    expect(within(s.dialog).getByRole('alert').textContent).toContain('4 fields need fixing');
    expect(s.field('Download limit').getAttribute('aria-invalid')).toBe('true');
    expect(s.field('Download limit').getAttribute('aria-describedby')).toBeTruthy();
    const reason = (name: string) => document.getElementById(s.field(name).getAttribute('aria-describedby')!)?.textContent;
    expect(reason('Download limit')).toMatch(/Download limit must be a number of KiB\/s/);
    expect(reason('Listening port')).toBe('Listening port must be a whole number from 0 to 65,535.');
    expect(reason('Download folder')).toMatch(/full path/);
    expect(reason('Max active seeds')).toMatch(/whole number/);
    expect(s.field('Upload limit').getAttribute('aria-invalid')).toBe('false');

    // Fixed, it saves.
    s.type('Download limit', '64');
    s.type('Listening port', '6881');
    s.type('Download folder', '/data/torrents');
    s.type('Max active seeds', '5');
    await s.save();
    expect(s.api.callsOf('setSettings')).toEqual([{ downloadDir: '/data/torrents', speedLimit: { down: 65_536, up: 0 } }]);
  });

  it('asks for a day when the schedule is on', async () => {
    const s = await openSettings();
    fireEvent.click(within(s.dialog).getByRole('checkbox', { name: 'Use them on a schedule' }));
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) fireEvent.click(within(s.dialog).getByRole('checkbox', { name: day }));
    await s.save();
    expect(s.api.callsOf('setSettings')).toEqual([]);
    expect(within(s.dialog).getByRole('group', { name: 'Days' }).parentElement?.textContent).toContain('Choose at least one day');
  });

  it('keeps the dialog and what was typed when the engine refuses, and says why', async () => {
    const api = engine().respond('setSettings', () => Promise.reject(new Error('Port 80 needs privileges the engine does not have.')));
    const s = await openSettings(api);
    s.type('Listening port', '80');
    await s.save();
    expect(within(s.dialog).getByRole('alert').textContent).toBe('Port 80 needs privileges the engine does not have.');
    expect((s.field('Listening port') as HTMLInputElement).value).toBe('80');
  });

  it('closes without a command when nothing changed', async () => {
    const s = await openSettings();
    await s.save();
    expect(s.api.callsOf('setSettings')).toEqual([]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows peer discovery on and encryption preferred when the engine stored neither, and sends only what the user turned', async () => {
    const s = await openSettings();
    const box = (name: string) => within(s.dialog).getByRole('checkbox', { name }) as HTMLInputElement;
    const encryption = within(s.dialog).getByRole('combobox', { name: 'Encryption' }) as HTMLSelectElement;
    expect([box('Find peers through the DHT').checked, box('Exchange peers with peers (PEX)').checked, box('Find peers on the local network (LSD)').checked]).toEqual([true, true, true]);
    expect([box('Connect over TCP').checked, box('Connect over uTP').checked]).toEqual([true, true]);
    expect(encryption.value).toBe('prefer');
    fireEvent.click(box('Find peers on the local network (LSD)'));
    fireEvent.click(box('Connect over uTP'));
    fireEvent.change(encryption, { target: { value: 'require' } });
    await s.save();
    expect(s.api.callsOf('setSettings')).toEqual([{ lsd: false, utp: false, encryption: 'require' }]);
  });

  it('switches TCP off for uTP only, and refuses both off with the reason beside the switches', async () => {
    const s = await openSettings(engine({ ...defaultSettings, tcp: true, utp: true }));
    const box = (name: string) => within(s.dialog).getByRole('checkbox', { name }) as HTMLInputElement;
    fireEvent.click(box('Connect over TCP'));
    fireEvent.click(box('Connect over uTP'));
    await s.save();
    expect(within(s.dialog).getByText('TCP and uTP cannot both be off: peers could not be reached at all.')).toBeTruthy();
    expect(box('Connect over uTP').getAttribute('aria-invalid')).toBe('true');
    expect(s.api.callsOf('setSettings')).toEqual([]);
    fireEvent.click(box('Connect over uTP'));
    await s.save();
    expect(s.api.callsOf('setSettings')).toEqual([{ tcp: false }]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('alternative speed limits in the status bar', () => {
  it('switches them on, shows them pressed, and shows the alternative limits beside the rates', async () => {
    const api = engine({ ...defaultSettings, speedLimit: { down: 4 * 1024 * 1024, up: 0 }, altSpeedLimit: { down: 100 * 1024, up: 20 * 1024 } });
    await renderApp(api);
    const bar = screen.getByRole('contentinfo', { name: 'Status bar' });
    const toggle = within(bar).getByRole('button', { name: /^Alt\. speed: alternative speed limits/ });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    expect(bar.textContent).toContain('max 4.00 MiB/s');
    expect(bar.textContent).not.toContain('max 20.0 KiB/s');
    await act(async () => fireEvent.click(toggle));
    expect(api.callsOf('setSettings')).toEqual([{ altSpeedEnabled: true }]);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(bar.textContent).toContain('max 100 KiB/s');
    expect(bar.textContent).toContain('max 20.0 KiB/s');
  });

  it('shows the alternative limits in force when the engine’s schedule turned them on', async () => {
    const app = await renderApp(engine({ ...defaultSettings, speedLimit: { down: 4 * 1024 * 1024, up: 0 }, altSpeedLimit: { down: 100 * 1024, up: 0 } }));
    const bar = screen.getByRole('contentinfo', { name: 'Status bar' });
    app.emit('stats', { downRate: 0, upRate: 0, connectedPeers: 0, freeSpace: null, downloadDir: '/d', altSpeedActive: true });
    const toggle = within(bar).getByRole('button', { name: /^Alt\. speed: alternative speed limits/ });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    expect(toggle.getAttribute('aria-description')).toBe('On by the schedule');
    expect(bar.textContent).toContain('max 100 KiB/s');
    app.emit('stats', { downRate: 0, upRate: 0, connectedPeers: 0, freeSpace: null, downloadDir: '/d', altSpeedActive: false });
    expect(bar.textContent).toContain('max 4.00 MiB/s');
    expect(toggle.getAttribute('aria-description')).toBeNull();
  });

  it('puts the switch back and shows the error when the engine refuses', async () => {
    const api = engine().respond('setSettings', () => Promise.reject(new Error('Speed limits are not ready yet.')));
    await renderApp(api);
    const toggle = screen.getByRole('button', { name: /^Alt\. speed: alternative speed limits/ });
    await act(async () => fireEvent.click(toggle));
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    expect(screen.getByRole('alert').textContent).toContain('Speed limits are not ready yet.');
  });
});
