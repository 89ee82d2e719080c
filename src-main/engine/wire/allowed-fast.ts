import { createHash } from 'node:crypto';

/**
 * BEP 6 canonical allowed-fast set: the `k` pieces a peer at `ipv4` may request while choked,
 * derived from its /24 and the info-hash so every client computes the same set.
 */
export function allowedFastSet(infoHash: Uint8Array, ipv4: string, pieceCount: number, k: number): number[] {
  const octets = ipv4.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new RangeError(`not an IPv4 address: ${ipv4}`);
  }
  const want = Math.min(k, pieceCount);
  const set: number[] = [];
  let x: Uint8Array = new Uint8Array(24);
  x.set([octets[0]!, octets[1]!, octets[2]!, 0]);
  x.set(infoHash, 4);
  while (set.length < want) {
    x = createHash('sha1').update(x).digest();
    for (let j = 0; j < 20 && set.length < want; j += 4) {
      const y = ((x[j]! << 24) | (x[j + 1]! << 16) | (x[j + 2]! << 8) | x[j + 3]!) >>> 0;
      const index = y % pieceCount;
      if (!set.includes(index)) set.push(index);
    }
  }
  return set;
}
