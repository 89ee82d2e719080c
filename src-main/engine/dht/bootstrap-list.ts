import { ShoalError } from '../../../src-shared/errors';
import { parseHostPort, type PeerAddress } from '../net/peer-address';

/** The well-known public routers a DHT node starts from when told nothing else. */
export const DEFAULT_BOOTSTRAP: readonly string[] = ['router.bittorrent.com:6881', 'dht.transmissionbt.com:6881', 'router.utorrent.com:6881', 'dht.libtorrent.org:25401'];

/** A DHT node's `host:port` as an address; a clear error otherwise. */
export function parseDhtNode(text: string): PeerAddress {
  const address = parseHostPort(text);
  if (!address) throw new ShoalError('invalid-input', `a DHT node is HOST:PORT (like router.bittorrent.com:6881 or [::1]:6881), not "${text}"`);
  return address;
}
