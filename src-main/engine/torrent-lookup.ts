import { ShoalError } from '../../src-shared/errors';
import type { Torrent } from './torrent';

/**
 * The session's torrents found by what names them: a command by info-hashes (an unknown one is
 * refused), a handshake or MSE by the names a torrent answers to on the wire: its key, and a
 * hybrid's other name (its truncated v2 hash, BEP 52).
 */

/** The torrents of the commands that apply in every phase (pause, resume, remove, options). */
export function findAny(torrents: ReadonlyMap<string, Torrent>, infoHashes: readonly string[]): Torrent[] {
  return infoHashes.map((hash) => {
    const t = torrents.get(hash);
    if (!t) throw new ShoalError('not-found', `no torrent with info-hash ${hash}`);
    return t;
  });
}

/** The torrents of the commands that need the metainfo; a magnet still fetching it is refused with the user's sentence. */
export function findWithMetainfo(torrents: ReadonlyMap<string, Torrent>, infoHashes: readonly string[]): Torrent[] {
  return findAny(torrents, infoHashes).map((t) => {
    if (!t.hasMetainfo) throw new ShoalError('invalid-input', `"${t.name}" is still fetching its metadata; try again once it has arrived`);
    return t;
  });
}

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
