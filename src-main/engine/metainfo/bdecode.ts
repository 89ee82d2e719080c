import bencode from 'bencode';
import { scanBencode, torrentLimits, type BencodeLimits, type InfoSpan } from './bencode-scan';

/** A decoded bencode value: byte strings stay bytes, dictionary keys are UTF-8 text. */
export type BValue = number | Uint8Array | BValue[] | BDict;
export interface BDict {
  readonly [key: string]: BValue | undefined;
}

export interface Decoded {
  readonly value: BValue;
  /** The top-level `info` value's byte span, when there is one. */
  readonly info?: InfoSpan;
}

/**
 * Decodes bencode after `scanBencode` has proved it well-formed and bounded, so the `bencode`
 * package (recursive and lenient) only ever sees input it handles correctly.
 */
export function decodeBencode(bytes: Uint8Array, limits: BencodeLimits = torrentLimits): Decoded {
  const { info } = scanBencode(bytes, limits);
  const value = bencode.decode(bytes) as BValue;
  return info ? { value, info } : { value };
}

export function isDict(value: BValue | undefined): value is BDict {
  return typeof value === 'object' && !(value instanceof Uint8Array) && !Array.isArray(value);
}

/** Own keys only: a decoded dictionary is a plain object, so `toString` & co. are inherited. */
export function field(dict: BDict, key: string): BValue | undefined {
  return Object.hasOwn(dict, key) ? dict[key] : undefined;
}
