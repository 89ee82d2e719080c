import { defaultColumnLayout, stepColumn, toggleColumn } from '../../store/column-layout';
import { useShoal, useShoalStore } from '../../store/store';
import { Dialog } from '../Dialog';
import { columnOf } from './columns';

/** Which list columns show and in what order, for the keyboard as well as the header's drag and drop. */
export function ColumnChooser({ onClose }: { onClose(): void }) {
  const store = useShoalStore();
  const layout = useShoal((s) => s.columns);
  const set = store.getState().setColumns;
  return (
    <Dialog
      title="Columns"
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={() => set(defaultColumnLayout)}>
            Reset
          </button>
          <button type="button" className="primary" data-autofocus onClick={onClose}>
            Done
          </button>
        </>
      }
    >
      <ul className="column-chooser">
        {layout.order.map((key, i) => {
          const c = columnOf[key];
          const name = c.title ?? c.label;
          return (
            <li key={key}>
              <label className="check">
                <input type="checkbox" checked={key === 'name' || !layout.hidden.includes(key)} disabled={key === 'name'} onChange={() => set(toggleColumn(layout, key))} />
                {name}
              </label>
              <button type="button" className="square" aria-label={`Move ${name} up`} disabled={i === 0} onClick={() => set(stepColumn(layout, key, -1))}>
                <span aria-hidden="true">↑</span>
              </button>
              <button type="button" className="square" aria-label={`Move ${name} down`} disabled={i === layout.order.length - 1} onClick={() => set(stepColumn(layout, key, 1))}>
                <span aria-hidden="true">↓</span>
              </button>
            </li>
          );
        })}
      </ul>
    </Dialog>
  );
}
