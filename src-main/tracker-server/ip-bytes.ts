import { isIPv4, isIPv6 } from 'node:net';

/**
 * A socket's remote address as the 4 or 16 bytes a compact peer list carries. IPv4-mapped IPv6
 * addresses (`::ffff:a.b.c.d`, seen on dual-stack sockets) become plain IPv4.
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

/** The text form of 4 or 16 address bytes (for dictionary-model peer lists and status output). */
export function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return words.join(':');
}
