import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { infoNoticeMs } from './components/Notices';
import { createShoalStore } from './store/store';
import { FakeApi } from './testing/fake-api';
import { defaultSettings, renderApp } from './testing/render-app';
import { hashOf, summary } from './testing/torrents';

afterEach(cleanup);

// Cell 0 is the queue position; 1 the name (and an error's reason after it).
const nameOf = (r: HTMLElement) => within(r).getAllByRole('gridcell')[1]!.querySelector('.row-name')!.textContent;
const names = () => screen.getAllByRole('row').slice(1).map(nameOf);
const row = (name: string) => screen.getAllByRole('row').find((r) => r.textContent?.includes(name))!;
const selectedNames = () =>
  screen
    .getAllByRole('row')
    .filter((r) => r.getAttribute('aria-selected') === 'true')
    .map(nameOf);

async function withFive() {
  const app = await renderApp();
  app.emit('torrents', {
    full: true,
    changed: [
      summary(1, { name: 'delta', state: 'paused' }),
      summary(2, { name: 'alpha' }),
      summary(3, { name: 'echo', state: 'seeding', progress: 1 }),
      summary(4, { name: 'charlie', state: 'error', error: 'Disk full' }),
      summary(5, { name: 'bravo', length: 1 }),
    ],
    removed: [],
  });
  return app;
}

describe('torrent list', () => {
  it('shows rows sorted by name, with formatted columns', async () => {
    await withFive();
    expect(names()).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
    const cells = within(row('alpha')).getAllByRole('gridcell').map((c) => c.textContent);
    expect(cells).toEqual(['', 'alpha', '3.00 MiB', '50.0%', 'Downloading', '1.95 KiB/s', '200 B/s', '2m 0s', '2 (10)', '3 (20)', '0.00']);
    expect(screen.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('ascending');
  });

  it('says why a torrent stopped in its row, beside its name, not only in a tooltip', async () => {
    await withFive();
    const cells = within(row('charlie')).getAllByRole('gridcell');
    expect(cells[1]!.textContent).toBe('charlie — Disk full');
    expect(cells[4]!.textContent).toBe('Error');
    expect(within(row('alpha')).getAllByRole('gridcell')[1]!.textContent).toBe('alpha');
  });

  it('sorts by a clicked header and flips on a second click', async () => {
    await withFive();
    fireEvent.click(within(screen.getByRole('columnheader', { name: /Size/ })).getByRole('button'));
    expect(screen.getByRole('columnheader', { name: /Size/ }).getAttribute('aria-sort')).toBe('descending');
    expect(screen.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('none');
    expect(names()).toEqual(['charlie', 'echo', 'alpha', 'delta', 'bravo']);
    fireEvent.click(within(screen.getByRole('columnheader', { name: /Size/ })).getByRole('button'));
    expect(names()).toEqual(['bravo', 'delta', 'alpha', 'echo', 'charlie']);
  });

  it('applies changed and removed rows from later events', async () => {
    const app = await withFive();
    app.emit('torrents', { full: false, changed: [summary(6, { name: 'aardvark' }), summary(2, { name: 'alpha', progress: 0.75 })], removed: [hashOf(4)] });
    expect(names()).toEqual(['aardvark', 'alpha', 'bravo', 'delta', 'echo']);
    expect(within(row('alpha')).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('75');
  });

  it('touches only the changed row when one torrent changes', async () => {
    const app = await withFive();
    const body = screen.getAllByRole('rowgroup')[1]!;
    const touched = new Set<string>();
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target instanceof Element ? r.target : r.target.parentElement;
        const rowEl = el?.closest('[role="row"]');
        touched.add(rowEl?.id ?? 'outside a row');
      }
    });
    observer.observe(body, { subtree: true, childList: true, characterData: true, attributes: true });
    app.emit('torrents', { full: false, changed: [summary(5, { name: 'bravo', length: 1, downRate: 7 })], removed: [] });
    await act(async () => {});
    observer.disconnect();
    expect([...touched]).toEqual([`torrent-${hashOf(5)}`]);
  });

  it('selects with click, Ctrl+click and Shift+click', async () => {
    await withFive();
    fireEvent.mouseDown(row('bravo'));
    fireEvent.mouseDown(row('delta'), { ctrlKey: true });
    expect(selectedNames()).toEqual(['bravo', 'delta']);
    fireEvent.mouseDown(row('alpha'));
    fireEvent.mouseDown(row('charlie'), { shiftKey: true });
    expect(selectedNames()).toEqual(['alpha', 'bravo', 'charlie']);
    fireEvent.mouseDown(row('bravo'), { metaKey: true });
    expect(selectedNames()).toEqual(['alpha', 'charlie']);
  });

  it('moves and extends the selection from the keyboard', async () => {
    await withFive();
    const grid = screen.getByRole('grid', { name: 'Torrents' });
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(selectedNames()).toEqual(['alpha']);
    fireEvent.keyDown(grid, { key: 'ArrowDown', shiftKey: true });
    fireEvent.keyDown(grid, { key: 'ArrowDown', shiftKey: true });
    expect(selectedNames()).toEqual(['alpha', 'bravo', 'charlie']);
    fireEvent.keyDown(grid, { key: 'End' });
    expect(selectedNames()).toEqual(['echo']);
    expect(grid.getAttribute('aria-activedescendant')).toBe(`torrent-${hashOf(3)}`);
    fireEvent.keyDown(grid, { key: 'Home' });
    expect(selectedNames()).toEqual(['alpha']);
    fireEvent.keyDown(grid, { key: 'a', ctrlKey: true });
    expect(selectedNames()).toHaveLength(5);
  });

  it('pauses with Space, resumes when all selected are paused', async () => {
    const app = await withFive();
    const grid = screen.getByRole('grid', { name: 'Torrents' });
    fireEvent.mouseDown(row('alpha'));
    await act(async () => fireEvent.keyDown(grid, { key: ' ' }));
    fireEvent.mouseDown(row('delta'));
    await act(async () => fireEvent.keyDown(grid, { key: ' ' }));
    expect(app.api.callsOf('pause')).toEqual([{ infoHashes: [hashOf(2)] }]);
    expect(app.api.callsOf('resume')).toEqual([{ infoHashes: [hashOf(1)] }]);
  });

  it('leaves keys pressed on a header button to the button', async () => {
    const app = await withFive();
    fireEvent.mouseDown(row('alpha'));
    await act(async () => fireEvent.keyDown(within(screen.getByRole('columnheader', { name: /Size/ })).getByRole('button'), { key: ' ' }));
    expect(app.api.callsOf('pause')).toEqual([]);
  });

  it('asks before removing with Delete, and passes the delete-files choice', async () => {
    const app = await withFive();
    const grid = screen.getByRole('grid', { name: 'Torrents' });
    fireEvent.mouseDown(row('alpha'));
    fireEvent.mouseDown(row('bravo'), { ctrlKey: true });
    fireEvent.keyDown(grid, { key: 'Delete' });
    const dialog = screen.getByRole('dialog', { name: 'Remove torrents' });
    expect(dialog.textContent).toContain('2 torrents');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(app.api.callsOf('remove')).toEqual([]);

    fireEvent.keyDown(grid, { key: 'Delete' });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Also delete the downloaded files' }));
    await act(async () => fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove' })));
    expect(app.api.callsOf('remove')).toEqual([{ infoHashes: [hashOf(2), hashOf(5)], deleteFiles: true }]);
  });

  it('filters by state and by text, with counts', async () => {
    await withFive();
    const filters = screen.getByRole('group', { name: 'Filter by state' });
    fireEvent.click(within(filters).getByRole('button', { name: /Paused/ }));
    expect(names()).toEqual(['delta']);
    expect(within(filters).getByRole('button', { name: /Paused/ }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(within(filters).getByRole('button', { name: /Downloading/ }));
    expect(names()).toEqual(['alpha', 'bravo']);
    expect(within(filters).getByRole('button', { name: /Error/ }).textContent).toBe('Error 1');
    fireEvent.click(within(filters).getByRole('button', { name: /All/ }));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Filter torrents by name' }), { target: { value: 'ho' } });
    expect(names()).toEqual(['echo']);
  });
});

describe('detail panel', () => {
  it('subscribes to the focused torrent and tab, and shows the streamed details', async () => {
    const app = await withFive();
    expect(app.api.callsOf('subscribe')).toEqual([{ infoHash: null, tab: null }]);
    fireEvent.mouseDown(row('alpha'));
    await act(async () => {});
    expect(app.api.callsOf('subscribe').at(-1)).toEqual({ infoHash: hashOf(2), tab: 'general' });

    fireEvent.click(screen.getByRole('tab', { name: 'Peers' }));
    await act(async () => {});
    expect(app.api.callsOf('subscribe').at(-1)).toEqual({ infoHash: hashOf(2), tab: 'peers' });
    expect(screen.getByRole('tab', { name: 'Peers' }).getAttribute('aria-selected')).toBe('true');
    app.emit('detail', {
      infoHash: hashOf(2),
      peers: [{ id: 'p1', address: '127.0.0.1:6881', client: 'qBittorrent 4.6', flags: 'DIE', encryption: 'rc4', source: 'incoming', progress: 0.25, downRate: 2048, upRate: 0, downloaded: 10, uploaded: 0 }],
    });
    const table = within(screen.getByRole('tabpanel')).getByRole('table', { name: 'Peers' });
    expect(within(table).getByText('127.0.0.1:6881')).toBeTruthy();
    expect(within(table).getByText('2.00 KiB/s')).toBeTruthy();
    expect(within(table).getByText('RC4')).toBeTruthy();

    // Details for another torrent never show under this one.
    app.emit('detail', { infoHash: hashOf(5), peers: [] });
    fireEvent.keyDown(screen.getByRole('tab', { name: 'Peers' }), { key: 'ArrowRight' });
    await act(async () => {});
    expect(app.api.callsOf('subscribe').at(-1)).toEqual({ infoHash: hashOf(2), tab: 'files' });
  });

  it('stops the detail stream when the panel goes away', async () => {
    const app = await withFive();
    fireEvent.mouseDown(row('alpha'));
    await act(async () => {});
    app.unmount();
    expect(app.api.callsOf('subscribe').at(-1)).toEqual({ infoHash: null, tab: null });
  });

  it('shows the pieces count accessibly', async () => {
    const app = await withFive();
    fireEvent.mouseDown(row('alpha'));
    fireEvent.click(screen.getByRole('tab', { name: 'Pieces' }));
    const pieceCount = 5000;
    const have = new Uint8Array(Math.ceil(pieceCount / 8));
    have.fill(0xff, 0, 100); // 800 pieces
    app.emit('detail', { infoHash: hashOf(2), pieces: { pieceCount, have, downloading: new Uint8Array(have.length), availability: new Uint8Array(pieceCount).fill(3) } });
    const img = screen.getByRole('img', { name: 'Pieces: 800 of 5000' });
    expect(img.getAttribute('data-piece-count')).toBe('5000');
  });

  it('sets file priorities for a file and for a whole folder', async () => {
    const app = await withFive();
    fireEvent.mouseDown(row('alpha'));
    fireEvent.click(screen.getByRole('tab', { name: 'Files' }));
    app.emit('detail', {
      infoHash: hashOf(2),
      files: [
        { index: 0, path: 'dir/a.bin', length: 10, progress: 1, priority: 'normal' },
        { index: 1, path: 'dir/b.bin', length: 10, progress: 0, priority: 'normal' },
      ],
    });
    await act(async () => fireEvent.change(screen.getByRole('combobox', { name: 'Priority of dir/b.bin' }), { target: { value: 'skip' } }));
    await act(async () => fireEvent.change(screen.getByRole('combobox', { name: 'Priority of dir' }), { target: { value: 'high' } }));
    expect(app.api.callsOf('setFilePriorities')).toEqual([
      { infoHash: hashOf(2), files: [{ index: 1, priority: 'skip' }] },
      { infoHash: hashOf(2), files: [{ index: 0, priority: 'high' }, { index: 1, priority: 'high' }] },
    ]);
  });
});

describe('notices, status bar and theme', () => {
  it('shows engine notices and rejected commands as dismissable alerts', async () => {
    const api = new FakeApi().respond('pause', () => Promise.reject(new Error('The disk is full.')));
    const app = await renderApp(api);
    app.emit('notice', { kind: 'engine-restarted', message: 'The engine restarted; your torrents were resumed.' });
    expect(screen.getByRole('alert').textContent).toContain('The engine restarted');
    fireEvent.click(within(screen.getByRole('alert')).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();

    app.emit('torrents', { full: true, changed: [summary(1)], removed: [] });
    fireEvent.mouseDown(row('Torrent 1'));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Pause' })));
    expect(screen.getByRole('alert').textContent).toContain('The disk is full.');
  });

  it('lets happenings fade on their own but keeps errors', async () => {
    vi.useFakeTimers();
    try {
      const app = await renderApp();
      app.emit('notice', { kind: 'torrent-finished', message: 'alpha finished downloading.' });
      app.emit('notice', { kind: 'error', message: 'The disk is full.' });
      expect(screen.getByRole('status').textContent).toContain('alpha finished');
      act(() => vi.advanceTimersByTime(infoNoticeMs + 1));
      expect(screen.queryByRole('status')).toBeNull();
      expect(screen.getByRole('alert').textContent).toContain('The disk is full.');
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows global rates, peers and free space', async () => {
    const app = await renderApp();
    app.emit('stats', { downRate: 3 * 1024 * 1024, upRate: 512, connectedPeers: 42, freeSpace: 5 * 1024 ** 3, downloadDir: '/d', altSpeedActive: false });
    const bar = screen.getByRole('contentinfo', { name: 'Status bar' });
    expect(bar.textContent).toContain('↓ 3.00 MiB/s');
    expect(bar.textContent).toContain('↑ 512 B/s');
    expect(bar.textContent).toContain('42 peers');
    expect(bar.textContent).toContain('Free: 5.00 GiB');
    expect(bar.textContent).not.toContain('DHT');
    app.emit('stats', { downRate: 0, upRate: 0, connectedPeers: 0, freeSpace: null, downloadDir: '/d', altSpeedActive: false, dhtNodes: null });
    expect(bar.textContent).not.toContain('DHT');
  });

  it('shows the DHT’s node count while the DHT is on', async () => {
    const app = await renderApp();
    app.emit('stats', { downRate: 0, upRate: 0, connectedPeers: 0, freeSpace: null, downloadDir: '/d', altSpeedActive: false, dhtNodes: 1234 });
    expect(screen.getByRole('contentinfo', { name: 'Status bar' }).textContent).toContain('DHT: 1,234 nodes');
  });

  it('shows the port the router forwards, or why it does not', async () => {
    const app = await renderApp();
    const stats = { downRate: 0, upRate: 0, connectedPeers: 0, freeSpace: null, downloadDir: '/d', altSpeedActive: false };
    const bar = screen.getByRole('contentinfo', { name: 'Status bar' });
    app.emit('stats', { ...stats, portForwarding: { state: 'off', externalPort: null, externalAddress: null, via: [], reason: null } });
    expect(bar.textContent).not.toContain('Port');
    app.emit('stats', { ...stats, portForwarding: { state: 'mapped', externalPort: 51413, externalAddress: '11.22.33.44', via: ['upnp', 'natpmp'], reason: null } });
    expect(within(bar).getByText('Port 51413 open').title).toBe('Forwarded by the router over UPnP and NAT-PMP (external address 11.22.33.44)');
    app.emit('stats', { ...stats, portForwarding: { state: 'failed', externalPort: null, externalAddress: null, via: [], reason: 'UPnP: no UPnP gateway answered; NAT-PMP: no reply from the gateway' } });
    expect(within(bar).getByText('Port not forwarded').title).toBe('Port forwarding failed: UPnP: no UPnP gateway answered; NAT-PMP: no reply from the gateway');
  });

  it('switches and stores the theme from the settings dialog', async () => {
    const api = new FakeApi().respond('getSettings', () => defaultSettings).respond('setSettings', (input) => ({ ...defaultSettings, ...input }));
    await renderApp(api);
    expect(document.documentElement.dataset.theme).toBe('system');
    fireEvent.click(screen.getByRole('button', { name: /Settings/ }));
    const dialog = screen.getByRole('dialog', { name: 'Settings' });
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'Theme' }), { target: { value: 'dark' } });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save' })));
    expect(api.callsOf('setSettings')).toEqual([{ theme: 'dark' }]);
    expect(document.documentElement.dataset.theme).toBe('dark');
  });
});

describe('embedded tracker', () => {
  it('turns the engine\'s tracker on from the status bar and shows its announce address', async () => {
    const api = new FakeApi().respond('getSettings', () => defaultSettings).respond('setSettings', (input) => ({ ...defaultSettings, trackerPort: 7000, ...input }));
    await renderApp(api);
    const toggle = screen.getByRole('checkbox', { name: 'Embedded tracker' });
    expect((toggle as HTMLInputElement).checked).toBe(false);
    await act(async () => fireEvent.click(toggle));
    expect(api.callsOf('setSettings')).toEqual([{ trackerEnabled: true }]);
    expect((toggle as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText(':7000/announce')).toBeTruthy();
  });
});

describe('connection', () => {
  it('reports connected after the first full snapshot', async () => {
    const app = await renderApp(undefined, createShoalStore());
    expect(screen.getByText('Connecting…')).toBeTruthy();
    app.emit('torrents', { full: true, changed: [], removed: [] });
    await waitFor(() => expect(screen.getByText('Connected')).toBeTruthy());
    expect(screen.getByText('No torrents yet')).toBeTruthy();
  });
});

describe('a dropped connection', () => {
  it('says so in a banner, greys the figures and turns the actions off until the engine is back', async () => {
    const store = createShoalStore();
    const app = await renderApp(undefined, store);
    expect(screen.getByRole('status').textContent).toBe('Connecting to Shoal…');
    app.emit('torrents', { full: true, changed: [summary(1, { name: 'alpha' })], removed: [] });
    app.emit('stats', { downRate: 1024, upRate: 0, connectedPeers: 1, freeSpace: null, downloadDir: '/d', altSpeedActive: false });
    fireEvent.mouseDown(screen.getAllByRole('row').find((r) => r.textContent?.includes('alpha'))!);
    const pause = screen.getByRole('button', { name: 'Pause' });
    expect((pause as HTMLButtonElement).disabled).toBe(false);
    act(() => store.getState().setConnected(false));
    expect(screen.getByRole('alert').textContent).toContain('The connection to Shoal was lost.');
    expect(document.querySelector('.app')!.classList.contains('offline')).toBe(true);
    expect((pause as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: /Add torrent/ }) as HTMLButtonElement).disabled).toBe(true);
    // Space on the list would pause: nothing goes to the engine while it is away.
    fireEvent.keyDown(screen.getByRole('grid', { name: 'Torrents' }), { key: ' ' });
    expect(app.api.callsOf('pause')).toEqual([]);
    app.emit('torrents', { full: true, changed: [summary(1, { name: 'alpha' })], removed: [] });
    expect(screen.queryByRole('alert')).toBeNull();
    expect((pause as HTMLButtonElement).disabled).toBe(false);
  });

  it('says it was lost even when it drops before the first figures came', async () => {
    const store = createShoalStore();
    const app = await renderApp(undefined, store);
    app.emit('torrents', { full: true, changed: [], removed: [] });
    act(() => store.getState().setConnected(false));
    expect(screen.getByRole('alert').textContent).toContain('The connection to Shoal was lost.');
  });
});
