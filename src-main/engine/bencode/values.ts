/**
 * The decoded value model. Dictionary keys are *binary strings*: one character per key byte
 * (code points 0–255), so ASCII keys read naturally (`dict.get('info')`) and binary keys (a
 * scrape's 20-byte info-hashes, v2 `piece layers` roots) map back to their exact bytes. Byte
 * strings stay bytes: they are views into the decoded input, not copies.
 */
export type BValue = number | Uint8Array | BList | BDict;
export type BList = BValue[];
export type BDict = Map<string, BValue>;

export function isDict(value: BValue | undefined): value is BDict {
  return value instanceof Map;
}

export function isList(value: BValue | undefined): value is BList {
  return Array.isArray(value);
}

export function asInt(value: BValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

export function asBytes(value: BValue | undefined): Uint8Array | undefined {
  return value instanceof Uint8Array ? value : undefined;
}

const utf8 = new TextDecoder('utf-8');

/** A byte string read as UTF-8 text (invalid sequences become U+FFFD). */
export function asText(value: BValue | undefined): string | undefined {
  return value instanceof Uint8Array ? utf8.decode(value) : undefined;
}

/** The dictionary key naming these bytes (e.g. an info-hash in a scrape's `files`). */
export function binaryKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
