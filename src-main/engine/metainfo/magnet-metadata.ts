import { createHash } from 'node:crypto';
import { ShoalError } from '../../../src-shared/errors';
import type { Magnet } from './magnet';
import type { Metainfo } from './metainfo';
import { parseTorrent } from './parse-torrent';

const prefix = new TextEncoder().encode('d4:info');
const suffix = new TextEncoder().encode('e');

/**
 * Builds the Metainfo of a magnet link once its info dictionary has arrived from peers (BEP 9):
 * the bytes must hash to the magnet's info-hash, and to its v2 one (SHA-256) when it has one; trackers (one tier each) and web seeds come
 * from the magnet, and its `dn` names a torrent whose info has no name.
 */
export function metainfoFromMagnet(magnet: Magnet, infoBytes: Uint8Array): Metainfo {
  const wrapped = new Uint8Array(prefix.length + infoBytes.length + suffix.length);
  wrapped.set(prefix);
  wrapped.set(infoBytes, prefix.length);
  wrapped.set(suffix, prefix.length + infoBytes.length);
  // Piece layers live outside the info dictionary: a v2 torrent's come from peers later.
  const parsed = parseTorrent(wrapped, { pieceLayersLater: true, ...(magnet.name !== undefined && { fallbackName: magnet.name }) });
  // The wrapper must hold exactly one value: the bytes received, no more.
  if (parsed.infoBytes.length !== infoBytes.length || parsed.infoHashHex !== magnet.infoHashHex) {
    throw new ShoalError('protocol', `The metadata received for ${magnet.infoHashHex} does not match its info-hash.`);
  }
  if (magnet.infoHashV2 !== undefined && !createHash('sha256').update(infoBytes).digest().equals(magnet.infoHashV2)) {
    throw new ShoalError('protocol', `The metadata received for ${magnet.infoHashHex} does not match its v2 info-hash (btmh).`);
  }
  return { ...parsed, trackers: magnet.trackers.map((url) => [url]), urlList: magnet.webSeeds };
}
