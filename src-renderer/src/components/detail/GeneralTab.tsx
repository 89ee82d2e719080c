import type { GeneralInfo, TorrentSummary } from '../../api/contract';
import { formatBytes, formatDate, formatDuration, formatEta, formatRate, formatRatio, plural } from '../../format';
import { TorrentHashes } from '../TorrentHashes';
import { ContentPathAction } from './ContentPathAction';
import { TorrentLabelsForm } from './TorrentLabelsForm';
import { TorrentOptionsForm } from './TorrentOptionsForm';

function count(n: number | null): string {
  return n === null ? '—' : n.toLocaleString();
}

export function GeneralTab({ general, summary }: { general: GeneralInfo; summary: TorrentSummary | undefined }) {
  const copies = general.availability;
  // Peers' copies only: a torrent we hold whole is healthy whatever they have.
  const complete = summary !== undefined && summary.progress >= 1 && summary.wanted === summary.length;
  const health = complete || copies >= 1 ? 'healthy' : copies > 0 ? 'incomplete' : 'dead';
  return (
    <div className="general">
      {summary !== undefined && summary.error !== null && (
        <section className="torrent-problem" aria-labelledby="torrent-problem">
          <h2 id="torrent-problem">Stopped by an error</h2>
          <p>{summary.error}</p>
        </section>
      )}
      {summary !== undefined && summary.error === null && summary.trackerError !== null && (
        <section className="torrent-problem warning" aria-labelledby="tracker-problem">
          <h2 id="tracker-problem">No tracker answers</h2>
          <p>{summary.trackerError}</p>
        </section>
      )}
      <section aria-labelledby="swarm-health">
        <h2 id="swarm-health">Swarm health</h2>
        <dl className="kv">
          <dt>Seeders</dt>
          <dd>{count(general.swarm.seeders)}</dd>
          <dt>Leechers</dt>
          <dd>{count(general.swarm.leechers)}</dd>
          <dt>Completed</dt>
          <dd>{count(general.swarm.completed)}</dd>
          <dt>Availability</dt>
          <dd>
            <span className={`health ${health}`}>{copies.toFixed(3)}</span> distributed copies
          </dd>
          <dt>Connected</dt>
          <dd>{summary ? `${plural(summary.peers.connected, 'peer')} (${plural(summary.peers.seeds, 'seed')})` : '—'}</dd>
        </dl>
      </section>
      <section aria-labelledby="transfer">
        <h2 id="transfer">Transfer</h2>
        <dl className="kv">
          <dt>Downloaded</dt>
          <dd>{formatBytes(general.downloaded)}</dd>
          <dt>Uploaded</dt>
          <dd>{formatBytes(general.uploaded)}</dd>
          <dt>Ratio</dt>
          <dd>{formatRatio(general.ratio)}</dd>
          <dt>Seeding time</dt>
          <dd>{formatDuration(general.seedingTime)}</dd>
          <dt>Wasted</dt>
          <dd>{formatBytes(general.wasted)}</dd>
          <dt>Rates</dt>
          <dd>{summary ? `↓ ${formatRate(summary.downRate) || '0 B/s'} · ↑ ${formatRate(summary.upRate) || '0 B/s'}` : '—'}</dd>
          <dt>ETA</dt>
          <dd>{summary && summary.progress < 1 ? formatEta(summary.eta) : '—'}</dd>
        </dl>
      </section>
      <section aria-labelledby="torrent-options">
        <h2 id="torrent-options">Options</h2>
        <TorrentOptionsForm key={general.infoHash} infoHash={general.infoHash} options={general.options} />
      </section>
      {summary !== undefined && (
        <section aria-labelledby="torrent-labels">
          <h2 id="torrent-labels">Category and tags</h2>
          <TorrentLabelsForm key={summary.infoHash} summary={summary} />
        </section>
      )}
      <section aria-labelledby="torrent-info">
        <h2 id="torrent-info">Torrent</h2>
        <dl className="kv">
          <dt>Size</dt>
          <dd>
            {/* A magnet still fetching its metadata has no pieces yet. */}
            {general.pieceCount > 0
              ? `${formatBytes(general.length)} (${general.pieceCount.toLocaleString()} × ${formatBytes(general.pieceLength)})`
              : 'Unknown until the metadata arrives'}
            {summary !== undefined && summary.wanted < summary.length && `, ${formatBytes(summary.wanted)} wanted`}
          </dd>
          <TorrentHashes version={general.version} infoHash={general.infoHash} infoHashV2={general.infoHashV2} selectable={true} />
          <dt>Save path</dt>
          <dd className="mono selectable">{general.savePath}</dd>
          <dt>Data</dt>
          <dd>
            <span className="mono selectable">{general.contentPath}</span> <ContentPathAction path={general.contentPath} />
          </dd>
          <dt>Added</dt>
          <dd>{formatDate(general.addedAt)}</dd>
          <dt>Completed</dt>
          <dd>{formatDate(general.completedAt)}</dd>
          <dt>Created</dt>
          <dd>
            {formatDate(general.creationDate)}
            {general.createdBy !== null ? ` by ${general.createdBy}` : ''}
          </dd>
          <dt>Private</dt>
          <dd>{general.private ? 'Yes (no DHT or PEX)' : 'No'}</dd>
          {general.comment !== null && (
            <>
              <dt>Comment</dt>
              <dd className="selectable">{general.comment}</dd>
            </>
          )}
          <dt>Magnet</dt>
          <dd>
            <input className="mono magnet" readOnly value={general.magnet} aria-label="Magnet link" onFocus={(e) => e.currentTarget.select()} />
          </dd>
        </dl>
      </section>
    </div>
  );
}
