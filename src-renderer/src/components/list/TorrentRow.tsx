import { memo } from 'react';
import type { TorrentState, TorrentSummary } from '../../api/contract';
import { formatBytes, formatEta, formatPeerCount, formatPercent, formatRate, formatRatio } from '../../format';
import { nonSeedPeers, type SortKey } from '../../store/list-view';
import { useShoal } from '../../store/store';
import { PlayButton } from '../player/PlayButton';

export const stateLabel: Record<TorrentState, string> = {
  checking: 'Checking',
  downloading: 'Downloading',
  seeding: 'Seeding',
  paused: 'Paused',
  queued: 'Queued',
  error: 'Error',
  metadata: 'Metadata',
  moving: 'Moving',
};

/** The State column: "Stalled" and "Limit reached" say more than the bare state. */
export function rowStateLabel(t: TorrentSummary): string {
  if (t.stalled && t.state === 'downloading') return 'Stalled';
  if (t.limitReached && t.state === 'paused') return 'Limit reached';
  return stateLabel[t.state];
}

export function rowDomId(infoHash: string): string {
  return `torrent-${infoHash}`;
}

interface RowProps {
  infoHash: string;
  /** 1-based position among all rows (the header is row 1). */
  rowIndex: number;
  top: number;
  /** The shown columns, in order (one array shared by every row). */
  columns: readonly SortKey[];
  onPointer(e: React.MouseEvent, infoHash: string): void;
}

/** One cell of a row, keyed by its column: a plain call, not a component (eleven fewer fibers for each row a scroll mounts). */
function cell(column: SortKey, t: TorrentSummary): React.JSX.Element {
  const done = t.progress >= 1;
  switch (column) {
    case 'queue':
      return <div key={column} role="gridcell" className="cell end muted">{t.queuePosition ?? ''}</div>;
    case 'name':
      return (
        <div key={column} role="gridcell" className="cell name" title={t.error ? `${t.name}: ${t.error}` : t.name}>
          <span className={`dot ${t.state}`} aria-hidden="true" />
          {/* The reason is read in the row itself, beside the name, not only in a tooltip. */}
          <span className="ellipsis">
            <span className="row-name">{t.name}</span>
            {t.error !== null && <span className="row-error"> — {t.error}</span>}
            {t.error === null && t.trackerError !== null && <span className="row-warning"> — {t.trackerError}</span>}
          </span>
          {/* A single-file torrent is named after its file (BEP 3): its one file plays from the row. */}
          {t.state !== 'metadata' && <PlayButton infoHash={t.infoHash} fileIndex={0} name={t.name} />}
        </div>
      );
    case 'size':
      return (
        <div key={column} role="gridcell" className="cell end" title={t.wanted < t.length ? `${formatBytes(t.wanted)} wanted of ${formatBytes(t.length)}` : undefined}>
          {formatBytes(t.wanted)}
        </div>
      );
    case 'progress':
      return (
        <div key={column} role="gridcell" className="cell">
          <div className={`bar ${t.state}${done ? ' done' : ''}`} role="progressbar" aria-label={`Progress of ${t.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.floor(t.progress * 1000) / 10}>
            <div className="fill" style={{ width: `${Math.min(100, Math.max(0, t.progress * 100))}%` }} />
            <span>{formatPercent(t.progress)}</span>
          </div>
        </div>
      );
    case 'state':
      return (
        <div key={column} role="gridcell" className={`cell state ${t.state}${t.limitReached ? ' limit' : ''}`} title={t.limitReached ? 'Paused: it reached its share limits. Resume to seed on.' : undefined}>
          {rowStateLabel(t)}
          {t.forced === true && ' (forced)'}
        </div>
      );
    case 'downRate':
      return <div key={column} role="gridcell" className="cell end rate down">{formatRate(t.downRate)}</div>;
    case 'upRate':
      return <div key={column} role="gridcell" className="cell end rate up">{formatRate(t.upRate)}</div>;
    case 'eta':
      return <div key={column} role="gridcell" className="cell end">{t.state === 'downloading' && !done ? formatEta(t.eta) : ''}</div>;
    case 'seeds':
      return <div key={column} role="gridcell" className="cell end">{formatPeerCount(t.peers.seeds, t.swarm.seeders)}</div>;
    case 'peers':
      return <div key={column} role="gridcell" className="cell end">{formatPeerCount(nonSeedPeers(t), t.swarm.leechers)}</div>;
    case 'ratio':
      return <div key={column} role="gridcell" className="cell end">{formatRatio(t.ratio)}</div>;
  }
}

/**
 * One torrent row, its cells in the user's column order. It reads its own summary and selection
 * flags from the store, so an update to one torrent re-renders one row, not the list.
 */
export const TorrentRow = memo(function TorrentRow({ infoHash, rowIndex, top, columns, onPointer }: RowProps) {
  const t = useShoal((s) => s.torrents.get(infoHash));
  const selected = useShoal((s) => s.selection.selected.has(infoHash));
  const cursor = useShoal((s) => s.selection.cursor === infoHash);
  if (!t) return null;
  return (
    <div
      id={rowDomId(infoHash)}
      role="row"
      aria-rowindex={rowIndex}
      aria-selected={selected}
      className={`row${selected ? ' selected' : ''}${cursor ? ' cursor' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      onMouseDown={(e) => onPointer(e, infoHash)}
      data-state={t.state}
    >
      {columns.map((c) => cell(c, t))}
    </div>
  );
});
