import { isIPv4, isIPv6 } from 'node:net';

/**
 * A textual address as the 4 or 16 bytes compact peer and node lists carry; undefined for a
 * name or anything else. IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, seen on dual-stack
 * sockets) become plain IPv4.
 */
export function ipBytes(address: string): Buffer | undefined {
  if (isIPv4(address)) return v4Bytes(address);
  if (!isIPv6(address)) return undefined;
  const zone = address.indexOf('%');
  const text = (zone < 0 ? address : address.slice(0, zone)).toLowerCase();
  if (text.startsWith('::ffff:') && isIPv4(text.slice(7))) return v4Bytes(text.slice(7));
  return v6Bytes(text);
}

function v4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

function v6Bytes(text: string): Buffer {
  const out = Buffer.alloc(16);
  const [head = '', tail] = text.split('::');
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const words: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const b = v4Bytes(g);
        words.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
      } else {
        words.push(parseInt(g, 16));
      }
    }
    return words;
  };
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  front.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  back.forEach((w, i) => out.writeUInt16BE(w, 16 - (back.length - i) * 2));
  return out;
}

/**
 * The text form of 4 or 16 address bytes, IPv6 in RFC 5952's one canonical spelling (lower case,
 * the longest run of zero words as `::`, IPv4-mapped as `::ffff:a.b.c.d`): one address, one key,
 * whichever source (tracker, PEX, DHT, an incoming socket) named it.
 */
export function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  let runAt = -1;
  let runLength = 1; // a single zero word stays as 0
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > runLength) [runAt, runLength] = [i, j - i];
    i = Math.max(j, i + 1);
  }
  const hex = (from: number, to: number) => words.slice(from, to).map((w) => w.toString(16)).join(':');
  return runAt < 0 ? hex(0, 8) : `${hex(0, runAt)}::${hex(runAt + runLength, 8)}`;
}
