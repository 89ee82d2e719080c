import { stateFilters, type StateFilter } from '../store/list-view';
import { useShoal, useShoalStore } from '../store/store';
import { useAdd } from './add/AddFlow';
import { useTorrentActions } from './use-torrent-actions';

const filterLabel: Record<StateFilter, string> = { all: 'All', downloading: 'Downloading', seeding: 'Seeding', paused: 'Paused', error: 'Error' };

export function Toolbar() {
  const add = useAdd();
  const actions = useTorrentActions();
  const store = useShoalStore();
  const hasSelection = useShoal((s) => s.selection.selected.size > 0);
  const filter = useShoal((s) => s.filter);
  const counts = useShoal((s) => s.counts);

  return (
    <header className="toolbar">
      <div className="brand" aria-hidden="true">
        <span className="logo" />
        Shoal
      </div>
      <div className="group" role="toolbar" aria-label="Torrent actions">
        <button type="button" className="primary" onClick={add.chooseFile} title="Add torrent file (Ctrl+O)">
          <span aria-hidden="true">+ </span>
          Add torrent
        </button>
        <button type="button" onClick={add.openMagnetDialog} title="Add magnet link (Ctrl+U)">
          Add magnet
        </button>
        <span className="sep" />
        <button type="button" onClick={() => void actions.resume()} disabled={!hasSelection} title="Resume (Space)">
          Resume
        </button>
        <button type="button" onClick={() => void actions.pause()} disabled={!hasSelection} title="Pause (Space)">
          Pause
        </button>
        <button type="button" onClick={actions.askRemove} disabled={!hasSelection} title="Remove (Delete)">
          Remove
        </button>
      </div>
      <div className="filters" role="group" aria-label="Filter by state">
        {stateFilters.map((f) => (
          <button
            key={f}
            type="button"
            aria-pressed={filter.state === f}
            onClick={() => store.getState().setFilter({ ...store.getState().filter, state: f })}
          >
            {filterLabel[f]} <span className="count">{counts[f]}</span>
          </button>
        ))}
      </div>
      <input
        type="search"
        className="search"
        placeholder="Filter by name"
        aria-label="Filter torrents by name"
        value={filter.text}
        onChange={(e) => store.getState().setFilter({ ...store.getState().filter, text: e.target.value })}
      />
    </header>
  );
}
