/** Human-readable numbers for the UI. Binary units (KiB, MiB…) like the rest of the BitTorrent world. */

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  // Three significant digits: "1.23 GiB", "12.3 GiB", "123 GiB".
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** A transfer rate; zero shows as empty so idle rows stay quiet. */
export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Remaining time: "45s", "12m 5s", "3h 20m", "2d 4h"; null (unknown / stalled) is "∞". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '∞';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  if (d < 365) return `${d}d ${h % 24}h`;
  return '∞';
}

/** 0..1 as a percentage; never rounds an unfinished torrent up to 100%. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  const clamped = Math.min(1, Math.max(0, fraction));
  const tenths = Math.floor(clamped * 1000) / 10;
  return clamped === 1 ? '100%' : `${tenths.toFixed(1)}%`;
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '∞';
  return ratio.toFixed(2);
}

/** Connected count with the swarm size from the tracker, e.g. "3 (120)". */
export function formatPeerCount(connected: number, inSwarm: number | null): string {
  return inSwarm === null ? String(connected) : `${connected} (${inSwarm})`;
}

export function formatDate(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return new Date(ms).toLocaleString();
}

/** Time until (or since) `ms` relative to `now`, e.g. "in 4m 10s", "2m 3s ago". */
export function formatRelative(ms: number | null, now: number): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const delta = (ms - now) / 1000;
  return delta >= 0 ? `in ${formatEta(delta)}` : `${formatEta(-delta)} ago`;
}

/** Time spent, e.g. seeding: "0s", "12m 5s", "3h 20m", "400d 4h" (no upper bound, unlike an ETA). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  return d > 0 ? `${d}d ${Math.floor((s % 86_400) / 3600)}h` : formatEta(s);
}

/** "1 peer", "3 peers". */
export function plural(n: number, noun: string): string {
  return `${n.toLocaleString()} ${noun}${n === 1 ? '' : 's'}`;
}

/** Which BitTorrent a torrent is for, as the add dialog and the General tab name it. */
export function formatMetaVersion(version: 'v1' | 'v2' | 'hybrid'): string {
  return version === 'v1' ? 'BitTorrent v1' : version === 'v2' ? 'BitTorrent v2' : 'Hybrid (v1 and v2)';
}
