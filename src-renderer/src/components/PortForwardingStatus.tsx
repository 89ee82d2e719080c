import type { PortForwardingStatus as Status } from '../../../src-shared/contract';
import { useShoal } from '../store/store';

/** What the status bar says about the router: the mapped port, or why mapping failed (detail on hover). */
function portForwardingText(status: Status): { text: string; title: string } | null {
  const via = status.via.map((m) => (m === 'upnp' ? 'UPnP' : 'NAT-PMP')).join(' and ');
  const address = status.externalAddress ? ` (external address ${status.externalAddress})` : '';
  switch (status.state) {
    case 'off':
      return null;
    case 'trying':
      return { text: 'Port: mapping…', title: `Asking the router to forward the peer port${address}` };
    case 'mapped':
      return { text: `Port ${status.externalPort ?? ''} open`, title: `Forwarded by the router over ${via}${address}` };
    case 'failed':
      return { text: 'Port not forwarded', title: `Port forwarding failed: ${status.reason ?? 'no reason given'}${address}` };
  }
}

export function PortForwardingStatus() {
  const status = useShoal((s) => s.stats?.portForwarding);
  const shown = status ? portForwardingText(status) : null;
  if (!shown) return null;
  return (
    <span className={`portmap ${status!.state}`} title={shown.title}>
      {shown.text}
    </span>
  );
}
