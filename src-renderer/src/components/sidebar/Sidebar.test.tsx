import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApi } from '../../testing/fake-api';
import { defaultSettings, renderApp } from '../../testing/render-app';
import { hashOf, summary } from '../../testing/torrents';

afterEach(cleanup);

const names = () => screen.getAllByRole('row').slice(1).map((r) => r.textContent ?? '').map((text) => ['alpha', 'bravo', 'charlie'].find((n) => text.includes(n)));
const sidebar = () => within(screen.getByRole('navigation', { name: 'Filters' }));
const entry = (section: string, name: RegExp) => within(sidebar().getByRole('region', { name: section })).getByRole('button', { name });

async function withLabels() {
  const api = new FakeApi().respond('getSettings', () => ({ ...defaultSettings, categories: { books: { savePath: '/b', shareLimits: null }, films: { savePath: '/f', shareLimits: null } } }));
  const app = await renderApp(api);
  app.emit('torrents', {
    full: true,
    changed: [
      summary(1, { name: 'alpha', category: 'books', tags: ['classic', 'english'], trackerHosts: ['t.example'] }),
      summary(2, { name: 'bravo', tags: ['english'] }),
      summary(3, { name: 'charlie', category: 'books', trackerHosts: ['t.example', 'u.example'] }),
    ],
    removed: [],
  });
  return app;
}

describe('the sidebar', { timeout: 20_000 }, () => {
  it('counts torrents per category (known ones at 0 too), tag and tracker host, and filters the list by them together', async () => {
    await withLabels();
    expect(entry('Categories', /^books 2$/)).toBeTruthy();
    expect(entry('Categories', /^Uncategorized 1$/)).toBeTruthy();
    expect(entry('Categories', /^films 0$/)).toBeTruthy();
    expect(entry('Tags', /^english 2$/)).toBeTruthy();
    expect(entry('Trackers', /^u\.example 1$/)).toBeTruthy();
    expect(entry('Trackers', /^Trackerless 1$/)).toBeTruthy();

    fireEvent.click(entry('Categories', /^books/));
    expect(names()).toEqual(['alpha', 'charlie']);
    expect(entry('Categories', /^books/).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(entry('Tags', /^english/));
    expect(names()).toEqual(['alpha']);
    fireEvent.click(entry('Tags', /^All/));
    fireEvent.click(entry('Trackers', /^u\.example/));
    expect(names()).toEqual(['charlie']);
    fireEvent.click(entry('Categories', /^Uncategorized/));
    expect(names()).toEqual([]);
    fireEvent.click(entry('Trackers', /^Trackerless/));
    expect(names()).toEqual(['bravo']);
  });

  it('filters by state with counts, beside the labels', async () => {
    await withLabels();
    expect(entry('Status', /^All 3$/)).toBeTruthy();
    expect(entry('Status', /^Paused 0$/)).toBeTruthy();
    fireEvent.click(entry('Status', /^Paused/));
    expect(names()).toEqual([]);
    expect(entry('Status', /^Paused/).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(entry('Status', /^All/));
    expect(names()).toEqual(['alpha', 'bravo', 'charlie']);
  });

  it('sets the category and tags of the selection from the context menu', async () => {
    const app = await withLabels();
    await act(async () => {});
    fireEvent.mouseDown(screen.getAllByRole('row').find((r) => r.textContent?.includes('alpha'))!);
    fireEvent.mouseDown(screen.getAllByRole('row').find((r) => r.textContent?.includes('bravo'))!, { ctrlKey: true });
    fireEvent.contextMenu(screen.getAllByRole('row').find((r) => r.textContent?.includes('bravo'))!);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Category and tags…' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Category and tags' }));
    fireEvent.change(dialog.getByRole('combobox', { name: 'Category' }), { target: { value: 'films' } });
    fireEvent.change(dialog.getByRole('textbox', { name: 'Add tags (comma-separated)' }), { target: { value: 'new, , seen' } });
    fireEvent.change(dialog.getByRole('textbox', { name: 'Remove tags (comma-separated)' }), { target: { value: 'english' } });
    await act(async () => fireEvent.click(dialog.getByRole('button', { name: 'Apply' })));
    expect(app.api.callsOf('setLabels')).toEqual([{ infoHashes: [hashOf(1), hashOf(2)], category: 'films', addTags: ['new', 'seen'], removeTags: ['english'] }]);
  });
});

describe('the categories dialog', () => {
  it('adds a category with a save path and a ratio limit, refusing a relative path, and removes one', async () => {
    const app = await withLabels();
    await act(async () => {});
    app.api.respond('setSettings', (input) => ({ ...defaultSettings, ...input }));
    fireEvent.click(sidebar().getByRole('button', { name: 'Manage categories…' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Categories' }));
    fireEvent.change(dialog.getByRole('textbox', { name: 'Category name' }), { target: { value: 'music' } });
    fireEvent.change(dialog.getByRole('textbox', { name: 'Save path' }), { target: { value: 'music' } });
    fireEvent.change(dialog.getByRole('textbox', { name: 'Ratio limit' }), { target: { value: '1.5' } });
    await act(async () => fireEvent.click(dialog.getByRole('button', { name: 'Add category' })));
    expect(dialog.getByText(/must be a full path/)).toBeTruthy();
    fireEvent.change(dialog.getByRole('textbox', { name: 'Save path' }), { target: { value: '/m' } });
    await act(async () => fireEvent.click(dialog.getByRole('button', { name: 'Add category' })));
    await act(async () => fireEvent.click(dialog.getByRole('button', { name: 'Remove category books' })));
    const [added, removed] = app.api.callsOf('setSettings');
    expect(added!.categories!['music']).toEqual({ savePath: '/m', shareLimits: { ratio: 1.5, seedingTimeMinutes: null, inactiveSeedingTimeMinutes: null, match: 'any', action: 'pause' } });
    expect(Object.keys(removed!.categories!)).toEqual(['films', 'music']);
  });
});

it('opens the categories dialog when there are none yet', async () => {
  await renderApp();
  fireEvent.click(sidebar().getByRole('button', { name: 'Manage categories…' }));
  expect(within(screen.getByRole('dialog', { name: 'Categories' })).getByText('No categories yet.')).toBeTruthy();
});
