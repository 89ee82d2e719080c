import type { TrackerInfo } from '../../api/contract';
import { formatRelative } from '../../format';

function count(n: number | null): string {
  return n === null ? '—' : n.toLocaleString();
}

export function TrackersTab({ trackers, now }: { trackers: readonly TrackerInfo[]; now: number }) {
  if (trackers.length === 0) return <p className="muted pad">This torrent has no trackers or web seeds.</p>;
  return (
    <table className="table" aria-label="Trackers">
      <thead>
        <tr>
          <th scope="col">URL</th>
          <th scope="col">Tier</th>
          <th scope="col">Status</th>
          <th scope="col">Last announce</th>
          <th scope="col">Next announce</th>
          <th scope="col" className="end">Seeders</th>
          <th scope="col" className="end">Leechers</th>
          <th scope="col" className="end">Completed</th>
          <th scope="col" className="end">Peers</th>
        </tr>
      </thead>
      <tbody>
        {trackers.map((t) => (
          <tr key={`${t.kind ?? 'tracker'} ${t.tier} ${t.url}`}>
            <td className="mono ellipsis-cell" title={t.url}>{t.url}</td>
            <td>{t.kind === 'web seed' ? 'web seed' : t.kind === undefined || t.kind === 'tracker' ? t.tier : ''}</td>
            <td>
              <span className={`badge ${t.status.replace(' ', '-')}`}>{t.status}</span>
              {t.message !== null && <span className="muted tracker-msg"> {t.message}</span>}
            </td>
            <td>{formatRelative(t.lastAnnounce, now)}</td>
            <td>{formatRelative(t.nextAnnounce, now)}</td>
            <td className="end">{count(t.seeders)}</td>
            <td className="end">{count(t.leechers)}</td>
            <td className="end">{count(t.completed)}</td>
            <td className="end">{count(t.peers ?? null)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
