import { memo, useRef, useState } from 'react';
import { moveColumn, resizeColumn } from '../../store/column-layout';
import { nextSort, type SortKey } from '../../store/list-view';
import { useShoal, useShoalStore } from '../../store/store';
import { columnOf, widthOf } from './columns';

/**
 * The list's header row: click a column to sort, drag it onto another to reorder, drag (or arrow
 * keys on) its right edge to resize. Every change lands in the store's column layout, which is saved.
 * Memoized: the list re-renders on every scroll step, the header only when its props or the sort,
 * layout or drop target change.
 */
export const ListHeader = memo(function ListHeader({ columns, template, height }: { columns: readonly SortKey[]; template: string; height: number }) {
  const store = useShoalStore();
  const sort = useShoal((s) => s.sort);
  const layout = useShoal((s) => s.columns);
  const [dropOn, setDropOn] = useState<SortKey | null>(null);
  const dragged = useRef<SortKey | null>(null);

  const setWidth = (key: SortKey, px: number) => store.getState().setColumns(resizeColumn(store.getState().columns, key, px));

  const startResize = (e: React.PointerEvent, key: SortKey) => {
    e.preventDefault();
    e.stopPropagation();
    const from = e.clientX;
    const start = widthOf(store.getState().columns, key);
    const target = e.currentTarget as HTMLElement;
    target.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => setWidth(key, start + ev.clientX - from);
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };

  return (
    <div role="rowgroup" className="list-head" style={{ height }}>
      <div role="row" aria-rowindex={1} className="row head" style={{ gridTemplateColumns: template }}>
        {columns.map((key) => {
          const c = columnOf[key];
          const sorted = sort.key === key;
          const width = widthOf(layout, key);
          return (
            <div
              key={key}
              role="columnheader"
              // Named for its label alone, not also its resize handle's name.
              aria-label={c.title ?? c.label}
              aria-sort={sorted ? sort.direction : 'none'}
              className={`cell${c.align === 'end' ? ' end' : ''}${dropOn === key ? ' drop-target' : ''}`}
              draggable
              onDragStart={(e) => {
                dragged.current = key;
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData('text/x-shoal-column', key);
              }}
              onDragOver={(e) => {
                if (dragged.current === null || dragged.current === key) return;
                e.preventDefault();
                setDropOn(key);
              }}
              onDragLeave={() => setDropOn((k) => (k === key ? null : k))}
              onDrop={(e) => {
                e.preventDefault();
                // The window's drop zone must not see a column as a dropped file.
                e.stopPropagation();
                const moving = dragged.current;
                dragged.current = null;
                setDropOn(null);
                if (moving !== null) store.getState().setColumns(moveColumn(store.getState().columns, moving, key));
              }}
              onDragEnd={() => {
                dragged.current = null;
                setDropOn(null);
              }}
            >
              {/* Named by aria-label, not by a visually hidden span: such a span in the sticky header had
                  Chromium repaint the header on every scroll step of the list. */}
              <button type="button" title={c.title} aria-label={c.title} onClick={() => store.getState().setSort(nextSort(store.getState().sort, key))}>
                {c.label}
                <span className="sort-arrow" aria-hidden="true">
                  {sorted ? (sort.direction === 'ascending' ? '▲' : '▼') : ''}
                </span>
              </button>
              <span
                className="col-resize"
                role="separator"
                aria-orientation="vertical"
                aria-label={`Resize ${c.title ?? c.label}`}
                aria-valuenow={width}
                aria-valuemin={40}
                aria-valuemax={800}
                tabIndex={0}
                onPointerDown={(e) => startResize(e, key)}
                onKeyDown={(e) => {
                  const step = e.key === 'ArrowRight' ? 16 : e.key === 'ArrowLeft' ? -16 : 0;
                  if (step === 0) return;
                  e.preventDefault();
                  e.stopPropagation();
                  setWidth(key, width + step);
                }}
              />
            </div>
          );
        })}
      </div>
    </div>
  );
});
