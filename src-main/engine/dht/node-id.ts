import { randomBytes } from 'node:crypto';

/** Node ids and info-hashes in the DHT: 160 bits, compared by XOR distance (BEP 5). */
export const ID_LENGTH = 20;

export function randomId(): Buffer {
  return randomBytes(ID_LENGTH);
}

/** Negative when `a` is closer to `target` than `b`, positive when farther, 0 when equal. */
export function compareDistance(target: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < ID_LENGTH; i++) {
    const da = a[i]! ^ target[i]!;
    const db = b[i]! ^ target[i]!;
    if (da !== db) return da - db;
  }
  return 0;
}

/** How many leading bits `a` and `b` share (160 when equal). */
export function sharedPrefixBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < ID_LENGTH; i++) {
    const x = a[i]! ^ b[i]!;
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return ID_LENGTH * 8;
}

/** A random id sharing exactly `bits` leading bits with `base` (the next bit differs). */
export function randomIdWithPrefix(base: Uint8Array, bits: number): Buffer {
  const id = randomId();
  const whole = Math.floor(bits / 8);
  for (let i = 0; i < whole; i++) id[i] = base[i]!;
  if (bits < ID_LENGTH * 8) {
    const rest = bits % 8;
    const keep = rest === 0 ? 0 : (0xff << (8 - rest)) & 0xff;
    const flip = 0x80 >> rest;
    id[whole] = (base[whole]! & keep) | ((base[whole]! ^ flip) & flip) | (id[whole]! & ~(keep | flip) & 0xff);
  }
  return id;
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), the hash BEP 42 ties node ids to addresses with. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC32C_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const V4_MASK = [0x03, 0x0f, 0x3f, 0xff];
const V6_MASK = [0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, 0xff];

/** The BEP 42 prefix hash for an address (4 bytes IPv4, the first 8 of IPv6) and r in 0..7. */
function bep42Crc(ip: Uint8Array, r: number): number {
  const mask = ip.length === 4 ? V4_MASK : V6_MASK;
  const masked = Uint8Array.from(mask, (m, i) => ip[i]! & m);
  masked[0] = masked[0]! | ((r & 7) << 5);
  return crc32c(masked);
}

/**
 * A node id valid for `ip` under BEP 42: the top 21 bits come from the address's CRC, the last
 * byte carries `r`. Local addresses are exempt, but an id of this form is harmless there too.
 */
export function bep42Id(ip: Uint8Array, rand: number = randomBytes(1)[0]!): Buffer {
  const crc = bep42Crc(ip, rand & 7);
  const id = randomId();
  id[0] = (crc >>> 24) & 0xff;
  id[1] = (crc >>> 16) & 0xff;
  id[2] = ((crc >>> 8) & 0xf8) | (id[2]! & 0x07);
  id[19] = rand & 0xff;
  return id;
}

/** Whether `id` follows BEP 42 for `ip` (4 or 16 address bytes). */
export function bep42Valid(id: Uint8Array, ip: Uint8Array): boolean {
  const crc = bep42Crc(ip.length === 16 ? ip.subarray(0, 8) : ip, id[19]! & 7);
  return id[0] === ((crc >>> 24) & 0xff) && id[1] === ((crc >>> 16) & 0xff) && (id[2]! & 0xf8) === ((crc >>> 8) & 0xf8);
}

/** Local, link-local and loopback addresses: exempt from BEP 42 checks. */
export function isLocalAddress(ip: Uint8Array): boolean {
  if (ip.length === 4) {
    const [a, b] = [ip[0]!, ip[1]!];
    return a === 10 || a === 127 || (a === 172 && (b & 0xf0) === 16) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  const loopback = ip.every((x, i) => x === (i === 15 ? 1 : 0));
  return loopback || (ip[0] === 0xfe && (ip[1]! & 0xc0) === 0x80) || (ip[0]! & 0xfe) === 0xfc;
}
