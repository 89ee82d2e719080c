import { formatBytes, formatRate } from '../format';
import { useShoal } from '../store/store';
import { ThemeSelect } from './ThemeSelect';
import { TrackerToggle } from './TrackerToggle';

export function StatusBar() {
  const stats = useShoal((s) => s.stats);
  const connected = useShoal((s) => s.connected);
  const count = useShoal((s) => s.counts.all);
  return (
    <footer className="statusbar" aria-label="Status bar">
      <span className={connected ? 'conn on' : 'conn'}>{connected ? 'Connected' : 'Connecting…'}</span>
      <span>
        {count.toLocaleString()} {count === 1 ? 'torrent' : 'torrents'}
      </span>
      <span className="spacer" />
      <span className="rate down" title="Download rate">↓ {formatRate(stats?.downRate ?? 0) || '0 B/s'}</span>
      <span className="rate up" title="Upload rate">↑ {formatRate(stats?.upRate ?? 0) || '0 B/s'}</span>
      <span title="Connected peers">{(stats?.connectedPeers ?? 0).toLocaleString()} peers</span>
      <span title={stats ? `Free space at ${stats.downloadDir}` : 'Free space'}>
        Free: {stats?.freeSpace === null || stats === null ? '—' : formatBytes(stats.freeSpace)}
      </span>
      <TrackerToggle />
      <ThemeSelect />
    </footer>
  );
}
