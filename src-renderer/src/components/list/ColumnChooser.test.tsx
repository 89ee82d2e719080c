import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp } from '../../testing/render-app';
import { summary } from '../../testing/torrents';

afterEach(cleanup);

const headers = () => screen.getAllByRole('columnheader').map((h) => h.getAttribute('aria-label'));

describe('the column chooser', () => {
  it('hides a column from the header and the rows, and moves one with the keyboard', async () => {
    const app = await renderApp();
    app.emit('torrents', { full: true, changed: [summary(1, { name: 'alpha' })], removed: [] });
    fireEvent.click(screen.getByRole('button', { name: 'Columns…' }));
    const dialog = screen.getByRole('dialog', { name: 'Columns' });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'ETA' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Move Ratio up' }));
    expect(headers()).toEqual(['# Queue position', 'Name', 'Size', 'Progress', 'State', 'Down', 'Up', 'Seeds', 'Ratio', 'Peers']);
    const row = screen.getAllByRole('row').find((r) => r.textContent?.includes('alpha'))!;
    expect(within(row).getAllByRole('gridcell')).toHaveLength(10);
    // The name cannot be hidden: the list would have nothing to say which torrent a row is.
    expect((within(dialog).getByRole('checkbox', { name: 'Name' }) as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reset' }));
    expect(headers()).toHaveLength(11);
  });
});
