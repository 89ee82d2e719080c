import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useMemo, useRef, useState } from 'react';
import { clickSelect, moveCursor, selectAll } from '../../store/selection';
import { useShoal, useShoalStore } from '../../store/store';
import { useTorrentActions } from '../use-torrent-actions';
import { shownColumns } from '../../store/column-layout';
import { gridOf, rowHeight } from './columns';
import { ListHeader } from './ListHeader';
import { RowMenu } from './RowMenu';
import { rowDomId, TorrentRow } from './TorrentRow';

const headerHeight = 32;
const estimateSize = () => rowHeight;

/** The torrent list: a virtualized, sortable, multi-select grid driven by mouse and keyboard. */
export function TorrentList() {
  const store = useShoalStore();
  const visible = useShoal((s) => s.visible);
  const layout = useShoal((s) => s.columns);
  // One array and one template per layout, shared by every row (rows re-render only when it changes).
  const shown = useMemo(() => shownColumns(layout), [layout]);
  const grid = useMemo(() => gridOf(layout), [layout]);
  const cursor = useShoal((s) => s.selection.cursor);
  const total = useShoal((s) => s.counts.all);
  const actions = useTorrentActions();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const closeMenu = useCallback(() => {
    setMenu(null);
    scrollRef.current?.focus();
  }, []);

  // A new key function would make the virtualizer recompute every row's position on each render.
  const getItemKey = useCallback((i: number) => visible[i] ?? i, [visible]);
  const getScrollElement = useCallback(() => scrollRef.current, []);
  // We do not run the React Compiler; the virtualizer re-renders this component itself on scroll.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement,
    estimateSize,
    overscan: 8,
    scrollMargin: headerHeight,
    getItemKey,
    // Let React batch scroll renders into the next frame instead of rendering inside the scroll event.
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();

  const onPointer = useCallback(
    (e: React.MouseEvent, infoHash: string) => {
      if (e.button !== 0) return;
      const s = store.getState();
      if (e.shiftKey) e.preventDefault(); // no text selection on Shift+click
      s.setSelection(clickSelect(s.selection, s.visible, infoHash, { toggle: e.ctrlKey || e.metaKey, range: e.shiftKey }));
    },
    [store],
  );

  const onContextMenu = (e: React.MouseEvent) => {
    const rowEl = (e.target as Element).closest('[role="row"][aria-selected]');
    if (!rowEl) return;
    e.preventDefault();
    const infoHash = rowEl.id.slice(rowDomId('').length);
    const s = store.getState();
    // Right-clicking outside the selection acts on that row alone, as file managers do.
    if (!s.selection.selected.has(infoHash)) s.setSelection(clickSelect(s.selection, s.visible, infoHash, { toggle: false, range: false }));
    setMenu({ x: e.clientX, y: e.clientY });
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    // Keys pressed on a header button are that button's, not the list's.
    if (e.target !== e.currentTarget) return;
    const s = store.getState();
    const ids = s.visible;
    const at = s.selection.cursor === null ? -1 : ids.indexOf(s.selection.cursor);
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / rowHeight) - 1);
    const go = (index: number) => {
      e.preventDefault();
      const next = moveCursor(s.selection, ids, index, e.shiftKey);
      s.setSelection(next);
      const i = next.cursor === null ? -1 : ids.indexOf(next.cursor);
      if (i >= 0) virtualizer.scrollToIndex(i, { align: 'auto' });
    };
    const mod = e.ctrlKey || e.metaKey;
    if (mod && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      // Ctrl+arrows move the selection in the queue; with Shift, to its end.
      e.preventDefault();
      const up = e.key === 'ArrowUp';
      void actions.moveInQueue(e.shiftKey ? (up ? 'top' : 'bottom') : up ? 'up' : 'down');
    } else if (e.key === 'ArrowDown') go(at < 0 ? 0 : at + 1);
    else if (e.key === 'ArrowUp') go(at < 0 ? 0 : at - 1);
    else if (e.key === 'PageDown') go(at + page);
    else if (e.key === 'PageUp') go(at - page);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(ids.length - 1);
    else if (mod && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      s.setSelection(selectAll(s.selection, ids));
    } else if (e.key === 'Delete' || (e.key === 'Backspace' && e.metaKey)) {
      // Cmd+Backspace is "delete" on a Mac keyboard, which has no forward Delete key.
      e.preventDefault();
      actions.askRemove();
    } else if (e.key === ' ') {
      e.preventDefault();
      void actions.togglePause();
    } else if (e.key === 'F2') {
      // F2 renames, as in file managers.
      e.preventDefault();
      actions.askRename();
    } else if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
      e.preventDefault();
      const rect = (at >= 0 ? document.getElementById(rowDomId(ids[at]!)) : null)?.getBoundingClientRect();
      if (s.selection.selected.size > 0) setMenu({ x: (rect?.left ?? 0) + 40, y: rect?.bottom ?? 0 });
    } else if (e.key === 'Escape') {
      s.setSelection({ selected: new Set(), anchor: null, cursor: s.selection.cursor });
    }
  };

  const cursorRendered = cursor !== null && items.some((v) => v.key === cursor);

  return (
    <div
      ref={scrollRef}
      className="list"
      role="grid"
      aria-label="Torrents"
      aria-multiselectable="true"
      aria-rowcount={visible.length + 1}
      aria-activedescendant={cursorRendered ? rowDomId(cursor) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onContextMenu={onContextMenu}
      style={{ ['--row-min' as string]: `${grid.minWidth}px` }}
    >
      <ListHeader columns={shown} template={grid.template} height={headerHeight} />
      <div role="rowgroup" className="list-body" style={{ height: virtualizer.getTotalSize() - headerHeight, ['--cols' as string]: grid.template }}>
        {items.map((v) => (
          <TorrentRow key={v.key} infoHash={v.key as string} rowIndex={v.index + 2} top={v.start - headerHeight} columns={shown} onPointer={onPointer} />
        ))}
      </div>
      {visible.length === 0 && (
        <div className="empty">
          {total === 0 ? (
            <>
              <strong>No torrents yet</strong>
              <span>Drop a .torrent file or a magnet link anywhere, or press Ctrl+O.</span>
            </>
          ) : (
            <span>No torrents match the filter.</span>
          )}
        </div>
      )}
      {menu && <RowMenu x={menu.x} y={menu.y} onClose={closeMenu} />}
    </div>
  );
}
