import { useMemo } from 'react';
import type { PeerInfo } from '../../api/contract';
import { formatBytes, formatPercent, formatRate } from '../../format';

export function PeersTab({ peers }: { peers: readonly PeerInfo[] }) {
  // Busiest peers first: the ones a user looks for.
  const sorted = useMemo(() => [...peers].sort((a, b) => b.downRate + b.upRate - (a.downRate + a.upRate) || a.address.localeCompare(b.address)), [peers]);
  if (peers.length === 0) return <p className="muted pad">No peers connected.</p>;
  return (
    <table className="table" aria-label="Peers">
      <thead>
        <tr>
          <th scope="col">Address</th>
          <th scope="col">Client</th>
          <th scope="col">Flags</th>
          <th scope="col">Progress</th>
          <th scope="col" className="end">Down</th>
          <th scope="col" className="end">Up</th>
          <th scope="col" className="end">Downloaded</th>
          <th scope="col" className="end">Uploaded</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((p) => (
          <tr key={p.id}>
            <td className="mono">{p.address}</td>
            <td>{p.client}</td>
            <td className="mono" title="D/d interested+unchoked, U/u uploading, O optimistic, S snubbed, I incoming, E encrypted, X PEX, H DHT, T tracker">
              {p.flags}
            </td>
            <td>{formatPercent(p.progress)}</td>
            <td className="end">{formatRate(p.downRate)}</td>
            <td className="end">{formatRate(p.upRate)}</td>
            <td className="end">{formatBytes(p.downloaded)}</td>
            <td className="end">{formatBytes(p.uploaded)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
