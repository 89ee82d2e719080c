import { isIP } from 'node:net';
import { ShoalError } from '../../../src-shared/errors';
import type { PeerAddress } from '../net/peer-address';

/** The well-known public routers a DHT node starts from when told nothing else. */
export const DEFAULT_BOOTSTRAP: readonly string[] = ['router.bittorrent.com:6881', 'dht.transmissionbt.com:6881', 'router.utorrent.com:6881', 'dht.libtorrent.org:25401'];

/** `host:port`, `1.2.3.4:port` or `[v6]:port` as an address; a clear error otherwise. */
export function parseHostPort(text: string): PeerAddress {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 1 && port <= 65535) || (text.startsWith('[') && isIP(m[1]!) !== 6)) {
    throw new ShoalError('invalid-input', `a DHT node is HOST:PORT (like router.bittorrent.com:6881 or [::1]:6881), not "${text}"`);
  }
  return { host: m[1]!, port };
}
