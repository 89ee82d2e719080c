/**
 * Parses a URL query string into raw byte values. `info_hash` and `peer_id` are percent-encoded
 * bytes, not UTF-8 text, so URLSearchParams (which decodes to strings) cannot be used.
 */

export type RawQuery = Map<string, Buffer[]>;

/** Thrown text is a human sentence; the caller turns it into a failure response. */
export class QueryError extends Error {}

const MAX_PARAMS = 256;

export function parseRawQuery(query: string): RawQuery {
  const out: RawQuery = new Map();
  if (query === '') return out;
  const parts = query.split('&', MAX_PARAMS + 1);
  if (parts.length > MAX_PARAMS) throw new QueryError('The request has too many parameters.');
  for (const part of parts) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeBytes(eq < 0 ? part : part.slice(0, eq)).toString('latin1');
    const value = decodeBytes(eq < 0 ? '' : part.slice(eq + 1));
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  }
  return out;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** Percent-decodes to bytes. A literal '+' stays a '+' byte (BitTorrent clients escape bytes, not forms). */
export function decodeBytes(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 37 /* % */) {
      const hi = hexValue(text.charCodeAt(i + 1));
      const lo = hexValue(text.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) throw new QueryError('The request has a malformed percent-escape.');
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else if (c > 0x7f) {
      throw new QueryError('The request has a character that is not URL-encoded.');
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}
