import { useEffect } from 'react';
import { formatRate } from '../format';
import { useShoal } from '../store/store';

/** Speeds in the page title, so a background tab (the web UI) or the taskbar shows them. */
export function PageTitle() {
  const stats = useShoal((s) => s.stats);
  const title = stats ? `↓ ${rate(stats.downRate)} ↑ ${rate(stats.upRate)} – Shoal` : 'Shoal';
  useEffect(() => {
    document.title = title;
  }, [title]);
  return null;
}

/** The list shows no rate as empty; a title says 0. */
function rate(bytesPerSecond: number): string {
  return formatRate(bytesPerSecond) || '0 B/s';
}
