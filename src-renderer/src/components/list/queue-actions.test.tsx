import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApi } from '../../testing/fake-api';
import { renderApp } from '../../testing/render-app';
import { hashOf, summary } from '../../testing/torrents';

afterEach(cleanup);

const row = (name: string) => screen.getAllByRole('row').find((r) => r.textContent?.includes(name))!;
const positions = () => screen.getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('gridcell').slice(0, 2).map((c) => c.textContent).join(' '));
const toolbar = () => screen.getByRole('toolbar', { name: 'Torrent actions' });

async function withQueue(api = new FakeApi()) {
  const app = await renderApp(api);
  app.emit('torrents', {
    full: true,
    changed: [
      summary(1, { name: 'alpha', state: 'queued', queuePosition: 3 }),
      summary(2, { name: 'bravo', queuePosition: 1 }),
      summary(3, { name: 'charlie', state: 'seeding', progress: 1, queuePosition: null }),
      summary(4, { name: 'delta', queuePosition: 2 }),
    ],
    removed: [],
  });
  return app;
}

describe('queue column and moves', () => {
  it('shows the engine’s 1-based positions and sorts by them, torrents outside the queue last', async () => {
    await withQueue();
    fireEvent.click(within(screen.getByRole('columnheader', { name: '# Queue position' })).getByRole('button'));
    expect(positions()).toEqual(['1 bravo', '2 delta', '3 alpha', ' charlie']);
    expect(screen.getByRole('columnheader', { name: '# Queue position' }).getAttribute('aria-sort')).toBe('ascending');
  });

  it('sorts by ratio', async () => {
    const app = await withQueue();
    app.emit('torrents', { full: false, changed: [summary(3, { name: 'charlie', state: 'seeding', progress: 1, ratio: 3 }), summary(1, { name: 'alpha', ratio: 0.5 })], removed: [] });
    fireEvent.click(within(screen.getByRole('columnheader', { name: /Ratio/ })).getByRole('button'));
    expect(positions().map((p) => p.trim().split(' ').at(-1))).toEqual(['charlie', 'alpha', 'bravo', 'delta']);
  });

  it('sends moveInQueue from the toolbar, with the selection in list order', async () => {
    const app = await withQueue();
    fireEvent.mouseDown(row('delta'));
    fireEvent.mouseDown(row('alpha'), { ctrlKey: true });
    for (const name of ['Move to top of queue', 'Move up in queue', 'Move down in queue', 'Move to bottom of queue']) {
      await act(async () => fireEvent.click(within(toolbar()).getByRole('button', { name })));
    }
    const both = [hashOf(1), hashOf(4)];
    expect(app.api.callsOf('moveInQueue')).toEqual([
      { infoHashes: both, to: 'top' },
      { infoHashes: both, to: 'up' },
      { infoHashes: both, to: 'down' },
      { infoHashes: both, to: 'bottom' },
    ]);
  });

  it('moves with Ctrl+arrows in the list, to the ends with Shift, without moving the cursor', async () => {
    const app = await withQueue();
    const grid = screen.getByRole('grid', { name: 'Torrents' });
    fireEvent.mouseDown(row('bravo'));
    await act(async () => fireEvent.keyDown(grid, { key: 'ArrowDown', ctrlKey: true }));
    await act(async () => fireEvent.keyDown(grid, { key: 'ArrowUp', ctrlKey: true, shiftKey: true }));
    await act(async () => fireEvent.keyDown(grid, { key: 'ArrowDown', metaKey: true, shiftKey: true }));
    await act(async () => fireEvent.keyDown(grid, { key: 'ArrowUp', ctrlKey: true }));
    expect(app.api.callsOf('moveInQueue').map((c) => c.to)).toEqual(['down', 'top', 'bottom', 'up']);
    expect(row('bravo').getAttribute('aria-selected')).toBe('true');
    expect(row('charlie').getAttribute('aria-selected')).toBe('false');
  });

  it('shows the engine’s refusal as an alert', async () => {
    const app = await withQueue(new FakeApi().respond('moveInQueue', () => Promise.reject(new Error('The queue is not available yet.'))));
    fireEvent.mouseDown(row('alpha'));
    await act(async () => fireEvent.click(within(toolbar()).getByRole('button', { name: 'Move up in queue' })));
    expect(app.api.callsOf('moveInQueue')).toHaveLength(1);
    expect(screen.getByRole('alert').textContent).toContain('The queue is not available yet.');
  });

  it('keeps the buttons disabled without a selection', async () => {
    await withQueue();
    for (const name of ['Move to top of queue', 'Recheck', 'Move data…']) expect((within(toolbar()).getByRole('button', { name }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('recheck and move data', () => {
  it('sends recheck for the selection and shows a refusal', async () => {
    const app = await withQueue(new FakeApi().respond('recheck', () => Promise.reject(new Error('Recheck is not supported by this engine yet.'))));
    fireEvent.mouseDown(row('alpha'));
    fireEvent.mouseDown(row('charlie'), { ctrlKey: true });
    await act(async () => fireEvent.click(within(toolbar()).getByRole('button', { name: 'Recheck' })));
    expect(app.api.callsOf('recheck')).toEqual([{ infoHashes: [hashOf(1), hashOf(3)] }]);
    expect(screen.getByRole('alert').textContent).toContain('Recheck is not supported');
  });

  it('asks for an absolute folder, refuses a relative one, then sends moveStorage for each torrent', async () => {
    const app = await withQueue();
    fireEvent.mouseDown(row('alpha'));
    fireEvent.mouseDown(row('bravo'), { ctrlKey: true });
    fireEvent.click(within(toolbar()).getByRole('button', { name: 'Move data…' }));
    const dialog = screen.getByRole('dialog', { name: 'Move data' });
    expect(dialog.textContent).toContain('2 torrents');
    const folder = within(dialog).getByRole('textbox', { name: 'New folder' }) as HTMLInputElement;
    expect(folder.value).toBe('/downloads');
    fireEvent.change(folder, { target: { value: 'elsewhere' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Move' }));
    expect(within(dialog).getByRole('alert').textContent).toMatch(/full path/);
    expect(folder.getAttribute('aria-invalid')).toBe('true');
    expect(app.api.callsOf('moveStorage')).toEqual([]);

    fireEvent.change(folder, { target: { value: '/mnt/big disk/torrents' } });
    await act(async () => fireEvent.keyDown(folder, { key: 'Enter' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(app.api.callsOf('moveStorage')).toEqual([
      { infoHash: hashOf(1), savePath: '/mnt/big disk/torrents' },
      { infoHash: hashOf(2), savePath: '/mnt/big disk/torrents' },
    ]);

    // While the engine moves the data, the list says so.
    app.emit('torrents', { full: false, changed: [summary(1, { name: 'alpha', state: 'moving', queuePosition: 3 })], removed: [] });
    expect(within(row('alpha')).getByText('Moving')).toBeTruthy();
  });

  it('shows a failed move as an alert', async () => {
    await withQueue(new FakeApi().respond('moveStorage', () => Promise.reject(new Error('The folder /mnt/ro is read-only.'))));
    fireEvent.mouseDown(row('delta'));
    fireEvent.click(within(toolbar()).getByRole('button', { name: 'Move data…' }));
    const dialog = screen.getByRole('dialog', { name: 'Move data' });
    expect(dialog.textContent).toContain('“delta”');
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'New folder' }), { target: { value: '/mnt/ro' } });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Move' })));
    expect(screen.getByRole('alert').textContent).toContain('The folder /mnt/ro is read-only.');
  });
});

describe('context menu', () => {
  it('acts on the right-clicked row when it was not selected, and on the selection when it was', async () => {
    const app = await withQueue();
    fireEvent.mouseDown(row('alpha'));
    fireEvent.contextMenu(within(row('delta')).getByText('delta'));
    expect(row('delta').getAttribute('aria-selected')).toBe('true');
    expect(row('alpha').getAttribute('aria-selected')).toBe('false');
    const menu = screen.getByRole('menu', { name: 'Torrent actions menu' });
    expect(document.activeElement).toBe(within(menu).getByRole('menuitem', { name: 'Resume' }));
    await act(async () => fireEvent.click(within(menu).getByRole('menuitem', { name: 'Move to top of queue' })));
    expect(screen.queryByRole('menu')).toBeNull();

    fireEvent.mouseDown(row('bravo'), { ctrlKey: true });
    fireEvent.contextMenu(row('bravo'));
    await act(async () => fireEvent.click(screen.getByRole('menuitem', { name: 'Recheck' })));
    expect(app.api.callsOf('moveInQueue')).toEqual([{ infoHashes: [hashOf(4)], to: 'top' }]);
    expect(app.api.callsOf('recheck')).toEqual([{ infoHashes: [hashOf(2), hashOf(4)] }]);
  });

  it('opens from the keyboard, moves with arrows and closes with Escape, back on the list', async () => {
    await withQueue();
    const grid = screen.getByRole('grid', { name: 'Torrents' });
    fireEvent.mouseDown(row('alpha'));
    fireEvent.keyDown(grid, { key: 'F10', shiftKey: true });
    const menu = screen.getByRole('menu');
    fireEvent.keyDown(menu, { key: 'ArrowUp' });
    expect(document.activeElement?.textContent).toBe('Remove…');
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('Resume');
    fireEvent.keyDown(menu, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(grid);
  });

  it('opens the move dialog from the menu', async () => {
    await withQueue();
    fireEvent.contextMenu(row('charlie'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Move data…' }));
    expect(screen.getByRole('dialog', { name: 'Move data' }).textContent).toContain('“charlie”');
  });
});
