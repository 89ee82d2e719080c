import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiContext } from '../../api/api-context';
import type { FileInfo } from '../../api/contract';
import { createShoalStore, StoreContext } from '../../store/store';
import { FakeApi } from '../../testing/fake-api';
import { FilesTab } from './FilesTab';

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
});
afterEach(cleanup);

const hash = 'a'.repeat(40);

function renderFiles(files: FileInfo[]) {
  const api = new FakeApi();
  render(
    <ApiContext.Provider value={api}>
      <StoreContext.Provider value={createShoalStore()}>
        <FilesTab infoHash={hash} files={files} />
      </StoreContext.Provider>
    </ApiContext.Provider>,
  );
  return api;
}

describe('FilesTab', () => {
  it('renders only the rows in view of a huge file list, and follows the scroll', () => {
    const files = Array.from({ length: 100_000 }, (_, i): FileInfo => ({ index: i, path: `f${String(i).padStart(6, '0')}.bin`, length: 1, progress: 0, priority: 'normal' }));
    renderFiles(files);
    const tree = screen.getByRole('tree', { name: 'Files' });
    const items = () => within(tree).getAllByRole('treeitem');
    // 600 px / 30 px rows = 20 in view, plus the overscan below.
    expect(items()).toHaveLength(32);
    expect(items()[0]!.getAttribute('aria-setsize')).toBe('100000');
    const scroller = tree.parentElement!;
    act(() => {
      scroller.scrollTop = 30 * 50_000;
      fireEvent.scroll(scroller);
    });
    expect(items()[0]!.querySelector('.file-name .ellipsis')!.textContent).toBe('f049988.bin');
    expect(items()).toHaveLength(44);
    expect(tree.style.paddingTop).toBe(`${49_988 * 30}px`);
  });

  it('collapses folders', () => {
    renderFiles([
      { index: 0, path: 'a/x.bin', length: 1, progress: 0, priority: 'normal' },
      { index: 1, path: 'a/y.bin', length: 1, progress: 0, priority: 'normal' },
    ]);
    expect(screen.getAllByRole('treeitem')).toHaveLength(3);
    fireEvent.click(screen.getByRole('button', { name: 'Collapse a' }));
    expect(screen.getAllByRole('treeitem')).toHaveLength(1);
    expect(screen.getAllByRole('treeitem').find((li) => li.querySelector('.file-name .ellipsis')?.textContent === 'a')!.getAttribute('aria-expanded')).toBe('false');
  });
});

describe('FilesTab ticks', () => {
  it('sets the priority of every ticked file at once, a ticked folder counting for its files', async () => {
    const api = renderFiles([
      { index: 0, path: 'a/one.txt', length: 1, progress: 0, priority: 'normal' },
      { index: 1, path: 'a/two.txt', length: 1, progress: 0, priority: 'normal' },
      { index: 2, path: 'three.txt', length: 1, progress: 0, priority: 'normal' },
      { index: 3, path: 'four.txt', length: 1, progress: 0, priority: 'normal' },
    ]);
    const bulk = screen.getByRole('combobox', { name: 'Priority of the ticked files' }) as HTMLSelectElement;
    expect(bulk.disabled).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Tick a' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Tick four.txt' }));
    expect((screen.getByRole('checkbox', { name: 'Tick a/two.txt' }) as HTMLInputElement).checked).toBe(true);
    expect(bulk.disabled).toBe(false);
    await act(async () => fireEvent.change(bulk, { target: { value: 'skip' } }));
    expect(api.callsOf('setFilePriorities')).toEqual([{ infoHash: hash, files: [0, 1, 3].map((index) => ({ index, priority: 'skip' })) }]);
    expect(bulk.disabled).toBe(true);
  });
});

describe('FilesTab rename', () => {
  it('renames a folder by its path; the engine’s refusal stays in the dialog, which closes once a name is accepted', async () => {
    const api = renderFiles([
      { index: 0, path: 'a/one.txt', length: 1, progress: 0, priority: 'normal' },
      { index: 1, path: 'three.txt', length: 1, progress: 0, priority: 'normal' },
    ]);
    let refuse = true;
    api.respond('renameFile', () => {
      if (refuse) throw new Error('there is already a file or folder named "three.txt" beside "a"');
      return {};
    });
    fireEvent.click(screen.getByRole('button', { name: 'Rename a' }));
    const dialog = screen.getByRole('dialog', { name: 'Rename folder' });
    const field = within(dialog).getByRole('textbox', { name: 'New name' }) as HTMLInputElement;
    expect(field.value).toBe('a');
    fireEvent.change(field, { target: { value: 'three.txt' } });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Rename' })));
    expect(within(dialog).getByRole('alert').textContent).toContain('already a file or folder');
    refuse = false;
    fireEvent.change(field, { target: { value: 'letters' } });
    await act(async () => fireEvent.keyDown(field, { key: 'Enter' }));
    expect(api.callsOf('renameFile')).toEqual([
      { infoHash: hash, path: 'a', name: 'three.txt' },
      { infoHash: hash, path: 'a', name: 'letters' },
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
