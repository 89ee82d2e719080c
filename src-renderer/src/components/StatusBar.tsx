import type { ReadCacheFigures } from '../api/contract';
import { formatBytes, formatRate, plural } from '../format';
import { useShoal } from '../store/store';
import { AltSpeedToggle } from './AltSpeedToggle';
import { PortForwardingStatus } from './PortForwardingStatus';
import { TrackerToggle } from './TrackerToggle';

/**
 * The limit in force each way (0: none): the alternative one while it applies, switched on by
 * hand here or by the schedule, which only the engine's clock knows (stats say so).
 */
function useActiveLimit(way: 'down' | 'up'): number {
  return useShoal((s) => {
    if (s.settings === null) return 0;
    const alt = s.settings.altSpeedEnabled || (s.stats?.altSpeedActive ?? false);
    return (alt ? s.settings.altSpeedLimit : s.settings.speedLimit)[way];
  });
}

function Limit({ bytesPerSecond, what }: { bytesPerSecond: number; what: string }) {
  if (bytesPerSecond <= 0) return null;
  return (
    <span className="limit" title={`${what} limit`}>
      max {formatRate(bytesPerSecond)}
    </span>
  );
}

/** The session's read cache: what it holds of its budget, and how many reads it answered. */
function ReadCacheFigure({ cache }: { cache: ReadCacheFigures }) {
  const reads = cache.hits + cache.misses;
  const hitRate = reads === 0 ? '—' : `${Math.round((100 * cache.hits) / reads)}%`;
  return (
    <span className="read-cache" title={`Read cache for seeding: ${formatBytes(cache.bytes)} held of ${formatBytes(cache.budget)}; ${cache.hits.toLocaleString()} of ${reads.toLocaleString()} reads answered from it`}>
      Cache: {formatBytes(cache.bytes)} · {hitRate} hits
    </span>
  );
}

export function StatusBar() {
  const stats = useShoal((s) => s.stats);
  const connected = useShoal((s) => s.connected);
  const count = useShoal((s) => s.counts.all);
  const downLimit = useActiveLimit('down');
  const upLimit = useActiveLimit('up');
  return (
    <footer className="statusbar" aria-label="Status bar">
      <span className={connected ? 'conn on' : 'conn'}>{connected ? 'Connected' : 'Connecting…'}</span>
      <span>
        {count.toLocaleString()} {count === 1 ? 'torrent' : 'torrents'}
      </span>
      <span className="spacer" />
      <span className="rate down" title="Download rate">↓ {formatRate(stats?.downRate ?? 0) || '0 B/s'}</span>
      <Limit bytesPerSecond={downLimit} what="Download" />
      <span className="rate up" title="Upload rate">↑ {formatRate(stats?.upRate ?? 0) || '0 B/s'}</span>
      <Limit bytesPerSecond={upLimit} what="Upload" />
      <AltSpeedToggle />
      <span title="Connected peers">{plural(stats?.connectedPeers ?? 0, 'peer')}</span>
      {stats?.dhtNodes !== undefined && stats.dhtNodes !== null && <span title="Nodes in the DHT's routing table">DHT: {stats.dhtNodes.toLocaleString()} nodes</span>}
      {stats?.readCache !== undefined && <ReadCacheFigure cache={stats.readCache} />}
      <span title={stats ? `Free space at ${stats.downloadDir}` : 'Free space'}>
        Free: {stats?.freeSpace === null || stats === null ? '—' : formatBytes(stats.freeSpace)}
      </span>
      <PortForwardingStatus />
      <TrackerToggle />
    </footer>
  );
}
