import { useState } from 'react';
import { useShoal, useShoalStore } from '../store/store';
import { useAdd } from './add/AddFlow';
import { ColumnChooser } from './list/ColumnChooser';
import { OverflowMenu } from './OverflowMenu';
import { useTorrentActions, type QueueMove } from './use-torrent-actions';

const queueButtons: readonly { to: QueueMove; label: string; icon: string; keys: string }[] = [
  { to: 'top', label: 'Move to top of queue', icon: '⤒', keys: 'Ctrl+Shift+↑' },
  { to: 'up', label: 'Move up in queue', icon: '↑', keys: 'Ctrl+↑' },
  { to: 'down', label: 'Move down in queue', icon: '↓', keys: 'Ctrl+↓' },
  { to: 'bottom', label: 'Move to bottom of queue', icon: '⤓', keys: 'Ctrl+Shift+↓' },
];

export function Toolbar() {
  const add = useAdd();
  const actions = useTorrentActions();
  const store = useShoalStore();
  const connected = useShoal((s) => s.connected);
  const hasSelection = useShoal((s) => s.selection.selected.size > 0 && s.connected);
  const filter = useShoal((s) => s.filter);
  const [choosing, setChoosing] = useState(false);

  return (
    <header className="toolbar">
      {choosing && <ColumnChooser onClose={() => setChoosing(false)} />}
      {/* The page's one heading of the first level. */}
      <h1 className="brand">
        <span className="logo" aria-hidden="true" />
        Shoal
      </h1>
      <div className="group" role="toolbar" aria-label="Torrent actions">
        <button type="button" className="primary" onClick={add.chooseFile} disabled={!connected} title="Add torrent file (Ctrl+O)">
          <span aria-hidden="true">+ </span>
          Add torrent
        </button>
        <button type="button" onClick={add.openMagnetDialog} disabled={!connected} title="Add magnet link (Ctrl+U)">
          Add magnet
        </button>
        <button type="button" className="fold" onClick={() => store.getState().setCreating(true)} disabled={!connected} title="Make a .torrent of a file or folder">
          Create torrent…
        </button>
        <span className="sep" />
        <button type="button" onClick={() => void actions.resume()} disabled={!hasSelection} title="Resume (Space)">
          Resume
        </button>
        <button type="button" onClick={() => void actions.forceStart()} disabled={!hasSelection} title="Start now, whatever the queue's limits">
          Force start
        </button>
        <button type="button" onClick={() => void actions.pause()} disabled={!hasSelection} title="Pause (Space)">
          Pause
        </button>
        <button type="button" onClick={actions.askRemove} disabled={!hasSelection} title="Remove (Delete)">
          Remove
        </button>
        <span className="sep fold" />
        {queueButtons.map((b) => (
          <button key={b.to} type="button" className="square fold" onClick={() => void actions.moveInQueue(b.to)} disabled={!hasSelection} aria-label={b.label} title={`${b.label} (${b.keys})`}>
            <span aria-hidden="true">{b.icon}</span>
          </button>
        ))}
        <span className="sep fold" />
        <button type="button" className="fold" onClick={() => void actions.recheck()} disabled={!hasSelection} title="Check the data on disk again">
          Recheck
        </button>
        <button type="button" className="fold" onClick={actions.askMoveStorage} disabled={!hasSelection} title="Move the data to another folder">
          Move data…
        </button>
        <button type="button" className="fold" onClick={() => setChoosing(true)} title="Choose, order and size the list's columns">
          Columns…
        </button>
        {/* In a narrow window the folded actions are here instead. */}
        <OverflowMenu
          className="unfold"
          items={[
            { label: 'Create torrent…', disabled: !connected, run: () => store.getState().setCreating(true) },
            ...queueButtons.map((b) => ({ label: b.label, disabled: !hasSelection, run: () => void actions.moveInQueue(b.to) })),
            { label: 'Recheck', disabled: !hasSelection, run: () => void actions.recheck() },
            { label: 'Move data…', disabled: !hasSelection, run: actions.askMoveStorage },
            { label: 'Columns…', run: () => setChoosing(true) },
          ]}
        />
      </div>
      <input
        type="search"
        className="search"
        placeholder="Filter by name"
        aria-label="Filter torrents by name"
        value={filter.text}
        onChange={(e) => store.getState().setFilter({ ...store.getState().filter, text: e.target.value })}
      />
      <button type="button" onClick={() => store.getState().setStatsOpen(true)} disabled={!connected} title="Data moved and the speed graph">
        Statistics
      </button>
      <button type="button" onClick={() => store.getState().setLogOpen(true)} disabled={!connected} title="What happened: finished downloads, errors, share limits">
        Log
      </button>
      <button type="button" onClick={() => store.getState().setSettingsOpen(true)} disabled={!connected} title="Settings (Ctrl+,)">
        <span aria-hidden="true">⚙ </span>
        Settings
      </button>
    </header>
  );
}
