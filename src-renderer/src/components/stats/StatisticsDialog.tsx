import type { TransferTotals } from '../../api/contract';
import { formatBytes, formatDate, formatRatio } from '../../format';
import { useShoal, useShoalStore } from '../../store/store';
import { Dialog } from '../Dialog';
import { CloseOnly } from '../DialogActions';
import { SpeedGraph } from './SpeedGraph';

/** Uploaded ÷ downloaded; nothing moved yet has no ratio. */
export function transferRatio(t: TransferTotals): string {
  if (t.downloaded === 0 && t.uploaded === 0) return '—';
  return formatRatio(t.downloaded === 0 ? Infinity : t.uploaded / t.downloaded);
}

function StatisticsView() {
  const store = useShoalStore();
  const transfer = useShoal((s) => s.stats?.transfer);
  const close = () => store.getState().setStatsOpen(false);
  return (
    <Dialog
      title="Statistics"
      wide
      onClose={close}
      actions={<CloseOnly onClose={close} />}
    >
      {transfer === undefined ? (
        <p className="muted">Waiting for the engine’s figures…</p>
      ) : (
        <table className="table stats-table">
          <caption className="sr-only">Data moved</caption>
          <thead>
            <tr>
              <td />
              <th scope="col" className="end">
                This session
              </th>
              <th scope="col" className="end">
                All time
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Downloaded</th>
              <td className="end">{formatBytes(transfer.session.downloaded)}</td>
              <td className="end">{formatBytes(transfer.allTime.downloaded)}</td>
            </tr>
            <tr>
              <th scope="row">Uploaded</th>
              <td className="end">{formatBytes(transfer.session.uploaded)}</td>
              <td className="end">{formatBytes(transfer.allTime.uploaded)}</td>
            </tr>
            <tr>
              <th scope="row">Ratio</th>
              <td className="end">{transferRatio(transfer.session)}</td>
              <td className="end">{transferRatio(transfer.allTime)}</td>
            </tr>
          </tbody>
        </table>
      )}
      {transfer !== undefined && <p className="muted">This session began {formatDate(transfer.sessionStartedAt)}.</p>}
      <h3>Speed</h3>
      <SpeedGraph infoHash={null} title="Speed of all torrents" />
    </Dialog>
  );
}

/** Data moved this session and all time, and the speed graph of the whole session; opened from the toolbar. */
export function StatisticsDialog() {
  const open = useShoal((s) => s.statsOpen);
  return open ? <StatisticsView /> : null;
}
