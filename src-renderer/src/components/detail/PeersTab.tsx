import { useMemo, useState } from 'react';
import { errorMessage, useApi } from '../../api/api-context';
import type { PeerInfo } from '../../api/contract';
import { formatBytes, formatPercent, formatRate } from '../../format';
import { useCommand } from '../../store/use-command';
import { AddPeerDialog } from './AddPeerDialog';
import { useFixedRows } from './use-fixed-rows';

const rowHeight = 28;

const encryptionLabel: Record<PeerInfo['encryption'], string> = { rc4: 'RC4', handshake: 'Handshake only', none: 'None' };

const transportLabel: Record<NonNullable<PeerInfo['transport']>, string> = { tcp: 'TCP', utp: 'uTP' };

/** Where each peer was heard of, as qBittorrent names its sources. */
const sourceLabel: Record<PeerInfo['source'], string> = {
  tracker: 'Tracker',
  dht: 'DHT',
  pex: 'PEX',
  lsd: 'LSD',
  incoming: 'Incoming',
  magnet: 'Magnet',
  manual: 'Added by you',
};

/** Add a peer by address; ban one from its row. */
function PeerActions({ infoHash }: { infoHash: string }) {
  const api = useApi();
  const [adding, setAdding] = useState(false);
  const add = (address: string) =>
    api.invoke('addPeer', { infoHashes: [infoHash], address }).then(
      () => null,
      (err: unknown) => errorMessage(err),
    );
  return (
    <div className="tab-actions" role="toolbar" aria-label="Peer actions">
      <button type="button" onClick={() => setAdding(true)}>
        Add peer…
      </button>
      {adding && <AddPeerDialog onAdd={add} onClose={() => setAdding(false)} />}
    </div>
  );
}

export function PeersTab({ infoHash, peers }: { infoHash: string; peers: readonly PeerInfo[] }) {
  const run = useCommand();
  // Busiest peers first: the ones a user looks for.
  const sorted = useMemo(
    () => [...peers].sort((a, b) => b.downRate + b.upRate - (a.downRate + a.upRate) || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)),
    [peers],
  );
  const [scrollRef, rows] = useFixedRows(sorted.length, rowHeight);
  if (peers.length === 0) {
    return (
      <>
        <PeerActions infoHash={infoHash} />
        <p className="muted pad">No peers connected.</p>
      </>
    );
  }
  return (
    <div className="scroll-fill" ref={scrollRef}>
      <PeerActions infoHash={infoHash} />
      <table className="table" aria-label="Peers" aria-rowcount={sorted.length + 1}>
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">Client</th>
            <th scope="col">Flags</th>
            <th scope="col">Encryption</th>
            <th scope="col">Transport</th>
            <th scope="col">Source</th>
            <th scope="col">Progress</th>
            <th scope="col" className="end">Down</th>
            <th scope="col" className="end">Up</th>
            <th scope="col" className="end">Downloaded</th>
            <th scope="col" className="end">Uploaded</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.padTop > 0 && <tr aria-hidden="true" style={{ height: rows.padTop }} />}
          {sorted.slice(rows.first, rows.last).map((p, i) => (
            <tr key={p.id} aria-rowindex={rows.first + i + 2}>
              <td className="mono">{p.address}</td>
              <td>{p.client}</td>
              <td className="mono" title="D/d interested+unchoked, U/u uploading, O optimistic, S snubbed, I incoming, E encrypted (RC4), e encrypted handshake, P uTP, X PEX, H DHT, L local (LSD), T tracker">
                {p.flags}
              </td>
              <td>{encryptionLabel[p.encryption]}</td>
              <td>{p.transport ? transportLabel[p.transport] : ''}</td>
              <td>{sourceLabel[p.source]}</td>
              <td>{formatPercent(p.progress)}</td>
              <td className="end">{formatRate(p.downRate)}</td>
              <td className="end">{formatRate(p.upRate)}</td>
              <td className="end">{formatBytes(p.downloaded)}</td>
              <td className="end">{formatBytes(p.uploaded)}</td>
              <td>
                <button type="button" className="small" aria-label={`Ban peer ${p.address}`} title="Disconnect and refuse this peer from now on, in every torrent" onClick={() => void run('banPeer', { address: p.address })}>
                  Ban
                </button>
              </td>
            </tr>
          ))}
          {rows.padBottom > 0 && <tr aria-hidden="true" style={{ height: rows.padBottom }} />}
        </tbody>
      </table>
    </div>
  );
}
