import { useId, useMemo, useState } from 'react';
import type { LogEntry, NoticeKind } from '../../api/contract';
import { useShoal, useShoalStore } from '../../store/store';
import { Dialog } from '../Dialog';
import { CloseOnly } from '../DialogActions';
import { notificationsSupported, notifyFinishedWanted, setNotifyFinished } from './notify-finished';

export const kindLabel: Record<NoticeKind, string> = {
  'torrent-finished': 'Finished',
  'ratio-reached': 'Share limits reached',
  'engine-restarted': 'Engine restarted',
  error: 'Error',
  'tracker-error': 'Tracker error',
};

/** The entries a filter keeps, newest first; '' keeps every torrent or kind. */
export function filterLog(log: readonly LogEntry[], torrent: string, kind: NoticeKind | ''): LogEntry[] {
  return log.filter((e) => (torrent === '' || e.infoHash === torrent) && (kind === '' || e.kind === kind)).reverse();
}

/** Each torrent the log names, once, by its latest name. */
function torrentsIn(log: readonly LogEntry[]): { infoHash: string; name: string }[] {
  const names = new Map<string, string>();
  for (const e of log) if (e.infoHash !== undefined) names.set(e.infoHash, e.name ?? e.infoHash);
  return [...names].map(([infoHash, name]) => ({ infoHash, name })).sort((a, b) => a.name.localeCompare(b.name));
}

function NotifyToggle() {
  const [on, setOn] = useState(notifyFinishedWanted);
  const [refused, setRefused] = useState(false);
  if (!notificationsSupported()) return null;
  return (
    <p>
      <label className="check">
        <input
          type="checkbox"
          checked={on}
          onChange={(e) => {
            const want = e.target.checked;
            void setNotifyFinished(want).then((granted) => {
              setOn(granted);
              setRefused(want && !granted);
            });
          }}
        />
        Notify me when a download finishes (in this browser)
      </label>
      {refused && (
        <span className="muted" role="status">
          {' '}
          The browser does not allow notifications from this page; allow them in its site settings.
        </span>
      )}
    </p>
  );
}

function LogView({ notifications }: { notifications: boolean }) {
  const store = useShoalStore();
  const log = useShoal((s) => s.log);
  const [torrent, setTorrent] = useState('');
  const [kind, setKind] = useState<NoticeKind | ''>('');
  const torrentId = useId();
  const kindId = useId();
  const shown = useMemo(() => filterLog(log, torrent, kind), [log, torrent, kind]);
  const torrents = useMemo(() => torrentsIn(log), [log]);
  const close = () => store.getState().setLogOpen(false);
  return (
    <Dialog
      title="Log"
      wide
      onClose={close}
      actions={<CloseOnly onClose={close} />}
    >
      {notifications && <NotifyToggle />}
      <div className="log-filters">
        <label htmlFor={torrentId}>Torrent</label>
        <select id={torrentId} value={torrent} onChange={(e) => setTorrent(e.target.value)}>
          <option value="">All torrents</option>
          {torrents.map((t) => (
            <option key={t.infoHash} value={t.infoHash}>
              {t.name}
            </option>
          ))}
        </select>
        <label htmlFor={kindId}>Kind</label>
        <select id={kindId} value={kind} onChange={(e) => setKind(e.target.value as NoticeKind | '')}>
          <option value="">All kinds</option>
          {(Object.keys(kindLabel) as NoticeKind[]).map((k) => (
            <option key={k} value={k}>
              {kindLabel[k]}
            </option>
          ))}
        </select>
      </div>
      {shown.length === 0 ? (
        <p className="muted">{log.length === 0 ? 'Nothing has happened yet.' : 'No entry matches.'}</p>
      ) : (
        <div className="log-scroll" tabIndex={0} role="region" aria-label="Log entries">
          <table className="table log-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Kind</th>
                <th scope="col">Torrent</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => (
                <tr key={e.id} className={e.kind === 'error' ? 'log-error' : undefined}>
                  <td>
                    <time dateTime={new Date(e.at).toISOString()}>{new Date(e.at).toLocaleString()}</time>
                  </td>
                  <td>{kindLabel[e.kind]}</td>
                  <td className="log-name">{e.name ?? '—'}</td>
                  <td className="log-message">{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Dialog>
  );
}

/** The engine's notices with their time and torrent, filterable; opened from the toolbar. `notifications`: offer the browser's notifications (web UI). */
export function LogDialog({ notifications }: { notifications: boolean }) {
  const open = useShoal((s) => s.logOpen);
  return open ? <LogView notifications={notifications} /> : null;
}
