import type { TorrentSummary } from '../../src-shared/contract';
import type { ListFeedOptions } from './list-feed';
import type { SessionPolicy } from './policy/session-policy';
import type { Torrent } from './torrent';
import type { TorrentLabels } from './torrent-labels';
import { summary } from './torrent-views';

export interface ListRowsParts {
  readonly torrents: ReadonlyMap<string, Torrent>;
  /** Asked for late: the list feed is made before the queue and the labels it reads. */
  readonly policy: () => SessionPolicy<Torrent>;
  readonly labels: () => TorrentLabels;
}

/** The torrent list's rows: each torrent's summary with its place in the queue, its marks and its labels. */
export function listRows(s: ListRowsParts): Pick<ListFeedOptions, 'row' | 'rows'> {
  const row = (t: Torrent): TorrentSummary => {
    const policy = s.policy();
    return summary(t, policy.positions().get(t.infoHash) ?? null, { ...policy.marks(t), labels: s.labels().of(t.infoHash) });
  };
  return {
    row: (infoHash) => {
      const t = s.torrents.get(infoHash);
      return t && row(t);
    },
    rows: () => [...s.torrents.values()].map(row),
  };
}
