import type { Torrent } from './torrent';

/**
 * The names the session's torrents answer to on the wire: each torrent's key, and a hybrid's
 * other name (its truncated v2 hash, BEP 52), so incoming handshakes and MSE find their torrent.
 */

/** The torrent a handshake names: by its key, or by a hybrid's other name. */
export function torrentByWireName(torrents: ReadonlyMap<string, Torrent>, infoHash: string): Torrent | undefined {
  const torrent = torrents.get(infoHash);
  if (torrent) return torrent;
  for (const t of torrents.values()) if (hexOf(t.swarm.otherInfoHash) === infoHash) return t;
  return undefined;
}

/** Every name a torrent has on the wire: keys, and hybrids' v2 names. */
export function* wireNames(torrents: ReadonlyMap<string, Torrent>): Iterable<string> {
  for (const [key, t] of torrents) {
    yield key;
    const other = hexOf(t.swarm.otherInfoHash);
    if (other !== undefined) yield other;
  }
}

function hexOf(bytes: Uint8Array | undefined): string | undefined {
  return bytes && Buffer.from(bytes).toString('hex');
}
