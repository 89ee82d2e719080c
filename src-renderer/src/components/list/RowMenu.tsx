import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { focusFirstItem, onMenuKey } from '../menu-keys';
import { useTorrentActions, type TorrentActions } from '../use-torrent-actions';

interface Item {
  label: string;
  run(actions: TorrentActions): void;
  /** Offered only where it can work. */
  offered?(actions: TorrentActions): boolean;
}

// The same actions as the toolbar, where the pointer is.
const items: readonly (Item | 'sep')[] = [
  { label: 'Resume', run: (a) => void a.resume() },
  { label: 'Force start', run: (a) => void a.forceStart() },
  { label: 'Pause', run: (a) => void a.pause() },
  'sep',
  { label: 'Move to top of queue', run: (a) => void a.moveInQueue('top') },
  { label: 'Move up in queue', run: (a) => void a.moveInQueue('up') },
  { label: 'Move down in queue', run: (a) => void a.moveInQueue('down') },
  { label: 'Move to bottom of queue', run: (a) => void a.moveInQueue('bottom') },
  'sep',
  { label: 'Recheck', run: (a) => void a.recheck() },
  { label: 'Reannounce', run: (a) => void a.reannounce() },
  { label: 'Category and tags…', run: (a) => a.askLabels() },
  { label: 'Speed limits…', run: (a) => a.askSpeedLimits() },
  { label: 'Move data…', run: (a) => a.askMoveStorage() },
  { label: 'Rename…', run: (a) => a.askRename() },
  { label: 'Open containing folder', run: (a) => void a.showInFolder?.(), offered: (a) => a.showInFolder !== null },
  'sep',
  { label: 'Copy magnet link', run: (a) => void a.copy('magnet') },
  { label: 'Copy info-hash', run: (a) => void a.copy('infoHash') },
  { label: 'Copy name', run: (a) => void a.copy('name') },
  'sep',
  { label: 'Remove…', run: (a) => a.askRemove() },
];

/** The list's context menu for the selected torrents: arrows move between items, Escape or a click elsewhere closes it. */
export function RowMenu({ x, y, onClose }: { x: number; y: number; onClose(): void }) {
  const actions = useTorrentActions();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    focusFirstItem(ref.current);
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [onClose]);

  // On <body>: the list's containment would clip a fixed-position menu drawn inside it.
  return createPortal(
    <div ref={ref} className="menu" role="menu" aria-label="Torrent actions menu" style={{ left: x, top: y }} onKeyDown={(e) => onMenuKey(e, ref.current, onClose)}>
      {items.filter((item) => item === 'sep' || (item.offered?.(actions) ?? true)).map((item, i) =>
        item === 'sep' ? (
          <div key={i} role="separator" className="menu-sep" />
        ) : (
          <button
            key={item.label}
            type="button"
            role="menuitem"
            tabIndex={-1}
            onClick={() => {
              onClose();
              item.run(actions);
            }}
          >
            {item.label}
          </button>
        ),
      )}
    </div>,
    document.body,
  );
}
