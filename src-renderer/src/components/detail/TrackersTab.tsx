import { useState } from 'react';
import type { TrackerInfo } from '../../api/contract';
import { formatRelative } from '../../format';
import { useCommand } from '../../store/use-command';
import { TrackersDialog } from './TrackersDialog';
import { tiersOf, withoutTracker } from './tracker-tiers';

function count(n: number | null): string {
  return n === null ? '—' : n.toLocaleString();
}

const isTracker = (t: TrackerInfo) => t.kind === undefined || t.kind === 'tracker';

export function TrackersTab({ infoHash, trackers, now }: { infoHash: string; trackers: readonly TrackerInfo[]; now: number }) {
  const run = useCommand();
  const [editing, setEditing] = useState(false);
  const setTiers = (tiers: string[][]) => void run('setTrackers', { infoHash, tiers });
  return (
    <>
      <div className="tab-actions" role="toolbar" aria-label="Tracker actions">
        <button type="button" onClick={() => setEditing(true)}>
          Edit trackers…
        </button>
        <button type="button" onClick={() => void run('reannounce', { infoHashes: [infoHash] })} title="Announce to every tracker now">
          Reannounce now
        </button>
      </div>
      {editing && <TrackersDialog tiers={tiersOf(trackers)} onSave={setTiers} onClose={() => setEditing(false)} />}
      {trackers.length === 0 ? (
        <p className="muted pad">This torrent has no trackers or web seeds.</p>
      ) : (
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
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {trackers.map((t) => (
              <tr key={`${t.kind ?? 'tracker'} ${t.tier} ${t.url}`} className={t.status === 'error' ? 'row-error' : undefined}>
                <td className="mono ellipsis-cell" title={t.url}>
                  {t.status === 'error' && (
                    <span className="error-mark" role="img" aria-label="failing">
                      ⚠{' '}
                    </span>
                  )}
                  {t.url}
                </td>
                <td>{t.kind === 'web seed' ? 'web seed' : isTracker(t) ? t.tier + 1 : ''}</td>
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
                <td>
                  {isTracker(t) && (
                    <button type="button" className="small" aria-label={`Remove tracker ${t.url}`} onClick={() => setTiers(withoutTracker(tiersOf(trackers), t.url))}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
