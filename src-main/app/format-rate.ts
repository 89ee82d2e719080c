const units = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s'] as const;

/** A transfer rate for the tray tooltip, e.g. "1.5 MiB/s". */
export function formatRate(bytesPerSecond: number): string {
  let value = Math.max(0, bytesPerSecond);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}
