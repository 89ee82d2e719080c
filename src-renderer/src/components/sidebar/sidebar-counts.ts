/** The sidebar's entries and counts: pure, over the torrent summaries. */
import type { TorrentSummary } from '../../api/contract';
import { labelsOf } from '../../store/list-view';

export type LabelKind = keyof typeof labelsOf;

export interface LabelCounts {
  all: number;
  /** Torrents without any label of this kind. */
  none: number;
  /** Each name with its torrents, sorted by name; `known` names show even with none. */
  names: [string, number][];
}

export function countLabels(torrents: Iterable<TorrentSummary>, kind: LabelKind, known: readonly string[] = []): LabelCounts {
  const counts = new Map<string, number>(known.map((name) => [name, 0]));
  let all = 0;
  let none = 0;
  for (const t of torrents) {
    all++;
    const labels = labelsOf[kind](t);
    if (labels === undefined || labels.length === 0) none++;
    for (const name of labels ?? []) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return { all, none, names: [...counts].sort(([a], [b]) => a.localeCompare(b)) };
}
