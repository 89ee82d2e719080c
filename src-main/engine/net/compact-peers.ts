import { ShoalError } from '../../../src-shared/errors';
import { ipText } from './ip-bytes';
import type { PeerAddress } from './peer-address';

/**
 * Decodes compact peer lists: 6 bytes a peer for IPv4 (BEP 23), 18 for IPv6 (BEP 7). Port 0
 * entries are skipped; at most `limit` peers are returned (the rest of a huge list is ignored).
 * Trackers, the DHT and PEX all send peers this way; only a tracker's list can have an uneven
 * length (the DHT slices whole entries), hence the sentence.
 */
export function decodeCompactPeers(bytes: Uint8Array, family: 4 | 6, out: PeerAddress[], limit: number): void {
  const size = family === 4 ? 6 : 18;
  if (bytes.length % size !== 0) {
    throw new ShoalError('protocol', `The tracker sent a peer list whose length (${bytes.length}) is not a multiple of ${size}.`);
  }
  for (let at = 0; at < bytes.length && out.length < limit; at += size) {
    const port = (bytes[at + size - 2]! << 8) | bytes[at + size - 1]!;
    if (port === 0) continue;
    out.push({ host: ipText(bytes.subarray(at, at + size - 2)), port });
  }
}
