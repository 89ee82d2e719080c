import { bencode, binaryKey, type BEncodable } from '../bencode';
import type { Metainfo } from '../metainfo/metainfo';

/**
 * A .torrent for a torrent in the list: its info dictionary exactly as received (so the
 * info-hash cannot change), with the trackers, web seeds and descriptive fields beside it. Works
 * the same for a torrent added from a file and one whose metadata came from peers. A v2 or
 * hybrid torrent keeps the piece layers it knows (BEP 52 `piece layers`, outside the info).
 */
export function encodeMetainfo(m: Metainfo): Uint8Array {
  // Keys in bencode's sorted order; `info` is spliced in raw rather than re-encoded.
  const before: Record<string, BEncodable> = {};
  if (m.trackers.length > 0) before['announce-list'] = m.trackers;
  if (m.comment !== undefined) before['comment'] = m.comment;
  if (m.createdBy !== undefined) before['created by'] = m.createdBy;
  // Seconds, as BEP 3 says, unless the original carried milliseconds (which the parser accepts).
  const ms = m.creationDate?.getTime();
  if (ms !== undefined) before['creation date'] = ms % 1000 === 0 ? ms / 1000 : ms;
  const after: Record<string, BEncodable> = {};
  const layers = new Map<string, Uint8Array>();
  for (const f of m.files) if (f.piecesRoot && f.pieceLayer) layers.set(binaryKey(f.piecesRoot), f.pieceLayer);
  if (layers.size > 0) after['piece layers'] = layers;
  if (m.urlList.length > 0) after['url-list'] = m.urlList;
  const head = bencode(before);
  const tail = bencode(after);
  const key = new TextEncoder().encode('4:info');
  // Both dictionaries' own 'd'…'e' are dropped; one pair wraps the whole.
  return Buffer.concat([head.subarray(0, head.length - 1), key, m.infoBytes, tail.subarray(1)]);
}
