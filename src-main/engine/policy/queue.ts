import type { QueueSettings } from '../../../src-shared/contract';

/** Which torrents of the queue may trade now, and how the queue's order moves. Pure functions. */

export interface QueueEntry {
  readonly id: string;
  readonly wants: 'download' | 'seed';
  /**
   * Running but moving no data for the stalled time: it keeps running without holding a slot.
   * Only running torrents can be stalled; a waiting one is never marked so.
   */
  readonly stalled: boolean;
  /** Started with "force start": runs whatever the limits, taking no slot (qBittorrent's forced torrents). */
  readonly forced?: boolean;
}

/**
 * Walks the queue in order, giving each torrent a slot while its kind (downloads, seeds) and
 * the total have room; 0 means no limit. Stalled and forced torrents run without taking a slot.
 */
export function decideQueue(entries: readonly QueueEntry[], settings: QueueSettings): Set<string> {
  const run = new Set<string>();
  const active = { download: 0, seed: 0 };
  let total = 0;
  const room = (used: number, max: number): boolean => max === 0 || used < max;
  for (const entry of entries) {
    if (entry.stalled || entry.forced) {
      run.add(entry.id);
      continue;
    }
    const max = entry.wants === 'download' ? settings.maxActiveDownloads : settings.maxActiveSeeds;
    if (room(active[entry.wants], max) && room(total, settings.maxActiveTorrents)) {
      run.add(entry.id);
      active[entry.wants]++;
      total++;
    }
  }
  return run;
}

export type QueueMove = 'top' | 'up' | 'down' | 'bottom';

/**
 * The order after moving the `selected` ids: to either end, or one place past their nearest
 * unselected neighbour. The moved ones keep their order among themselves.
 */
export function moveInOrder(order: readonly string[], selected: ReadonlySet<string>, to: QueueMove): string[] {
  const moved = order.filter((id) => selected.has(id));
  const rest = order.filter((id) => !selected.has(id));
  if (to === 'top') return [...moved, ...rest];
  if (to === 'bottom') return [...rest, ...moved];
  const out = [...order];
  if (to === 'up') {
    for (let i = 1; i < out.length; i++) {
      if (selected.has(out[i]!) && !selected.has(out[i - 1]!)) [out[i - 1], out[i]] = [out[i]!, out[i - 1]!];
    }
  } else {
    for (let i = out.length - 2; i >= 0; i--) {
      if (selected.has(out[i]!) && !selected.has(out[i + 1]!)) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
    }
  }
  return out;
}
