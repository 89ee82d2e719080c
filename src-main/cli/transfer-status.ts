import type { TorrentSummary } from '../../src-shared/contract';

/** Human figures for the CLI's progress output. */

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null) return '--:--';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** One line: state, percent, rates, peers, ETA, ratio. */
export function statusLine(row: TorrentSummary): string {
  const percent = `${(row.progress * 100).toFixed(1)}%`;
  const peers = `${row.peers.connected} peer${row.peers.connected === 1 ? '' : 's'}`;
  return `${row.state} ${percent}  down ${formatRate(row.downRate)}  up ${formatRate(row.upRate)}  ${peers}  ETA ${formatEta(row.eta)}  ratio ${row.ratio.toFixed(2)}`;
}

/** A progress bar that fits the terminal: `[#####-----] 50.0% down … ETA …`. */
export function progressBarLine(row: TorrentSummary, columns: number): string {
  const tail = ` ${statusLine(row)}`;
  const width = Math.max(10, Math.min(40, columns - tail.length - 3));
  const filled = Math.round(row.progress * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}`.slice(0, Math.max(0, columns - 1));
}
