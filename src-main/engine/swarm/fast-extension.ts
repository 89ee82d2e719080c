import { isIPv4 } from 'node:net';
import { normalizeHost } from '../net/peer-address';
import { allowedFastSet } from '../wire/allowed-fast';

/** Pieces in the allowed-fast set we give each peer (BEP 6 suggests 10). */
export const ALLOWED_FAST_COUNT = 10;
/** Allowed-fast and suggested pieces remembered from one peer: what a peer sends beyond this is not kept. */
export const MAX_PIECE_HINTS = 16;

/**
 * The canonical allowed-fast set (BEP 6) for the peer at `host`: by its /24, so every address a
 * peer holds in one network gets the same pieces. Empty for IPv6, which BEP 6 does not cover.
 */
export function allowedFastFor(infoHash: Uint8Array, host: string, pieceCount: number): ReadonlySet<number> {
  const ipv4 = normalizeHost(host);
  if (!isIPv4(ipv4) || pieceCount === 0) return new Set();
  return new Set(allowedFastSet(infoHash, ipv4, pieceCount, ALLOWED_FAST_COUNT));
}

/**
 * Remembers a piece a peer pointed at (allowed fast, or a suggestion), once. The list stays within
 * `MAX_PIECE_HINTS`: allowed-fast lists keep the first ones (`dropOldest` false), suggestions the
 * latest (`dropOldest` true). Returns whether the list changed.
 */
export function addPieceHint(list: number[], index: number, dropOldest: boolean): boolean {
  if (list.includes(index)) return false;
  if (list.length >= MAX_PIECE_HINTS) {
    if (!dropOldest) return false;
    list.shift();
  }
  list.push(index);
  return true;
}

/** Forgets a hint the peer went back on (it rejected our request for that piece). */
export function removePieceHint(list: number[], index: number): void {
  const at = list.indexOf(index);
  if (at >= 0) list.splice(at, 1);
}
