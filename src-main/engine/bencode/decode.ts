import type { BDict, BList, BValue } from './values';

/** Bounds that keep hostile input from hanging the decoder or exhausting memory. */
export interface BencodeLimits {
  /** Whole input, in bytes. */
  readonly maxBytes: number;
  /** Lists and dictionaries nested inside each other. */
  readonly maxDepth: number;
  /** Values of any kind (each one becomes a JS value); keys are not counted. */
  readonly maxValues: number;
  /** One byte string (keys included), in bytes. */
  readonly maxStringBytes: number;
  /** Significant digits of one integer; at most 16, since a value beyond 2^53 is refused anyway. */
  readonly maxIntegerDigits: number;
}

export interface DecodeOptions {
  readonly limits: BencodeLimits;
  /**
   * Accept dictionaries whose keys are out of order, as libtorrent does (real torrents, trackers
   * and peers send them). Repeated keys are refused either way.
   */
  readonly unsortedKeys?: boolean;
  /** Accept integers and string lengths with leading zeros, and `i-0e`, as libtorrent does. */
  readonly nonCanonicalNumbers?: boolean;
  /** Decode the value at the start of the input and report where it ends, instead of refusing what follows. */
  readonly allowTrailing?: boolean;
  /** Key paths from the root (`[['info']]`) whose values' byte spans to report; lists are not entered. */
  readonly spans?: readonly (readonly string[])[];
}

/** Where a value lies in the input, end exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Decoded {
  readonly value: BValue;
  /** Just past the value: the input's length unless `allowTrailing`. */
  readonly end: number;
  /** One entry per requested path, undefined where the input has no value there. */
  readonly spans: readonly (Span | undefined)[];
}

export type BencodeErrorReason =
  | 'empty'
  | 'too-long'
  | 'truncated'
  | 'malformed'
  | 'non-canonical'
  | 'too-large'
  | 'too-deep'
  | 'too-many-values'
  | 'duplicate-key'
  | 'unsorted-keys'
  | 'forbidden-key'
  | 'trailing';

/**
 * Why the input was refused, as one sentence about "it" (the input) without a final period, so
 * callers can say `The torrent file is damaged: ${message}.`
 */
export class BencodeError extends Error {
  constructor(
    readonly reason: BencodeErrorReason,
    /** The byte the sentence is about. */
    readonly offset: number,
    sentence: string,
  ) {
    super(sentence);
    this.name = 'BencodeError';
  }
}

const D = 0x64; // d
const L = 0x6c; // l
const I = 0x69; // i
const E = 0x65; // e
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
// 2^53 - 1 has 16 digits: a longer length cannot be exact, let alone fit in memory.
const maxLengthDigits = 16;
const noSpans: readonly (Span | undefined)[] = [];

interface Frame {
  readonly start: number;
  readonly list: BList | undefined;
  readonly dict: BDict | undefined;
  /** Dictionaries: the next item is a key. */
  expectKey: boolean;
  /** Dictionaries: the latest key (its value is the one being read unless `expectKey`). */
  key: string | undefined;
  /** Dictionaries: where the previous key's bytes lie, to check the order. */
  lastKeyStart: number;
  lastKeyEnd: number;
  /** Index of the requested span this container fills, or -1. */
  readonly span: number;
}

/** Decodes exactly one value filling `bytes` (see `bdecodeDetailed` for prefixes and spans). */
export function bdecode(bytes: Uint8Array, options: DecodeOptions): BValue {
  return bdecodeDetailed(bytes, options).value;
}

/**
 * Decodes the bencoded value at the start of `bytes` within `options.limits`. Iterative, so deep
 * nesting cannot overflow the stack; every count is checked before anything is built from it.
 * Byte strings are views into `bytes` (`subarray`: Buffers when `bytes` is one). Throws a `BencodeError` for anything malformed.
 */
export function bdecodeDetailed(bytes: Uint8Array, options: DecodeOptions): Decoded {
  const { limits } = options;
  const strictKeys = options.unsortedKeys !== true;
  const strictNumbers = options.nonCanonicalNumbers !== true;
  const paths = options.spans ?? [];
  const n = bytes.length;
  if (n === 0) fail('empty', 0, 'it is empty');
  if (n > limits.maxBytes) fail('too-long', 0, `it is ${n} bytes long, more than the ${limits.maxBytes} bytes allowed`);

  const spans: (Span | undefined)[] = paths.length === 0 ? (noSpans as (Span | undefined)[]) : paths.map(() => undefined);
  const stack: Frame[] = [];
  let pos = 0;
  let values = 0;
  let root: BValue | undefined;

  // Reads a string length at `pos` up to its colon, and checks the string fits; returns its length.
  const readLength = (): number => {
    const start = pos;
    let value = 0;
    while (pos < n && bytes[pos]! >= ZERO && bytes[pos]! <= NINE) {
      value = value * 10 + (bytes[pos]! - ZERO);
      pos++;
      if (pos - start > maxLengthDigits) fail('too-large', start, `the string length at byte ${start} is too large`);
    }
    if (pos === n) fail('truncated', start, `it ends inside a string length at byte ${start}`);
    if (bytes[pos] !== COLON) fail('malformed', pos, `unexpected byte 0x${bytes[pos]!.toString(16)} at byte ${pos}`);
    if (strictNumbers && bytes[start] === ZERO && pos - start > 1) {
      fail('non-canonical', start, `the string length at byte ${start} has a leading zero`);
    }
    pos++;
    if (value > n - pos) fail('truncated', start, `the string at byte ${start} claims ${value} bytes but only ${n - pos} remain`);
    if (value > limits.maxStringBytes) {
      fail('too-large', start, `the string at byte ${start} is ${value} bytes long, more than the ${limits.maxStringBytes} allowed`);
    }
    return value;
  };

  const readInteger = (): number => {
    const start = pos;
    pos++; // 'i'
    const negative = bytes[pos] === MINUS;
    if (negative) pos++;
    const digitsStart = pos;
    while (pos < n && bytes[pos]! >= ZERO && bytes[pos]! <= NINE) pos++;
    const digits = pos - digitsStart;
    if (pos === n) fail('truncated', start, `it ends inside the integer at byte ${start}`);
    if (bytes[pos] !== E || digits === 0) fail('malformed', start, `the integer at byte ${start} is malformed`);
    let first = digitsStart;
    if (bytes[digitsStart] === ZERO && (digits > 1 || negative)) {
      if (strictNumbers) fail('non-canonical', start, `the integer at byte ${start} is not canonical (leading zero or -0)`);
      while (first < pos - 1 && bytes[first] === ZERO) first++;
    }
    if (pos - first > limits.maxIntegerDigits) fail('too-large', start, `the integer at byte ${start} is too large`);
    let value = 0;
    for (let k = first; k < pos; k++) value = value * 10 + (bytes[k]! - ZERO);
    if (!Number.isSafeInteger(value)) fail('too-large', start, `the integer at byte ${start} is too large`);
    pos++; // 'e'
    return negative && value !== 0 ? -value : value;
  };

  // The requested span, if any, that a value starting now at this nesting level fills.
  const spanHere = (): number => {
    const depth = stack.length;
    for (let p = 0; p < paths.length; p++) {
      const path = paths[p]!;
      if (path.length !== depth) continue;
      let k = 0;
      while (k < depth && stack[k]!.key === path[k]) k++;
      if (k === depth) return p;
    }
    return -1;
  };

  for (;;) {
    const top = stack[stack.length - 1];
    if (pos >= n) {
      // Only reachable inside a container: a top-level value is never started past the end.
      fail('truncated', top!.start, `it ends early, inside the ${top!.dict ? 'dictionary' : 'list'} at byte ${top!.start}`);
    }
    const c = bytes[pos]!;

    if (top && c === E) {
      if (top.dict && !top.expectKey) fail('malformed', top.start, `a key in the dictionary at byte ${top.start} has no value`);
      pos++;
      stack.pop();
      if (top.span >= 0) spans[top.span] = { start: top.start, end: pos };
      if (stack.length === 0) break;
      continue;
    }

    if (top?.dict && top.expectKey) {
      if (c < ZERO || c > NINE) fail('malformed', pos, `a dictionary key at byte ${pos} is not a string`);
      const len = readLength();
      const key = binaryString(bytes, pos, pos + len);
      if (key === '__proto__') {
        // No protocol uses it, and it would pollute any consumer that copies a dictionary into an object.
        fail('forbidden-key', top.start, `the dictionary at byte ${top.start} has a '__proto__' key`);
      }
      if (top.dict.has(key)) fail('duplicate-key', top.start, `the dictionary at byte ${top.start} has the key '${printable(key)}' twice`);
      if (strictKeys && top.lastKeyEnd >= 0 && compareBytes(bytes, top.lastKeyStart, top.lastKeyEnd, pos, pos + len) > 0) {
        fail('unsorted-keys', pos, `the dictionary at byte ${top.start} has its keys out of order at byte ${pos}`);
      }
      top.lastKeyStart = pos;
      top.lastKeyEnd = pos + len;
      top.key = key;
      top.expectKey = false;
      pos += len;
      continue;
    }

    if (++values > limits.maxValues) fail('too-many-values', pos, `it holds more than ${limits.maxValues} values`);
    const start = pos;
    const span = paths.length === 0 ? -1 : spanHere();
    let value: BValue;
    if (c === D || c === L) {
      if (stack.length >= limits.maxDepth) fail('too-deep', pos, `it nests deeper than ${limits.maxDepth} levels`);
      const frame: Frame =
        c === D
          ? { start, list: undefined, dict: new Map(), expectKey: true, key: undefined, lastKeyStart: -1, lastKeyEnd: -1, span }
          : { start, list: [], dict: undefined, expectKey: false, key: undefined, lastKeyStart: -1, lastKeyEnd: -1, span };
      value = frame.dict ?? frame.list!;
      pos++;
      attach(top, value);
      if (!top) root = value;
      stack.push(frame);
      continue;
    }
    if (c === I) {
      value = readInteger();
    } else if (c >= ZERO && c <= NINE) {
      const len = readLength(); // read first: `pos += readLength()` would add to the old pos
      value = bytes.subarray(pos, pos + len);
      pos += len;
    } else {
      fail('malformed', pos, `unexpected byte 0x${c.toString(16)} at byte ${pos}`);
    }
    if (span >= 0) spans[span] = { start, end: pos };
    if (!top) {
      root = value;
      break;
    }
    attach(top, value);
  }

  if (pos !== n && options.allowTrailing !== true) {
    const extra = n - pos;
    fail('trailing', pos, `${extra} unexpected byte${extra === 1 ? '' : 's'} follow${extra === 1 ? 's' : ''} the data at byte ${pos}`);
  }
  return { value: root!, end: pos, spans };
}

function attach(parent: Frame | undefined, value: BValue): void {
  if (!parent) return;
  if (parent.dict) {
    parent.dict.set(parent.key!, value);
    parent.expectKey = true;
  } else {
    parent.list!.push(value);
  }
}

function fail(reason: BencodeErrorReason, offset: number, sentence: string): never {
  throw new BencodeError(reason, offset, sentence);
}

/** One character per byte; short keys (nearly all) without allocating a Buffer. */
function binaryString(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > 24) return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  let s = '';
  for (let k = start; k < end; k++) s += String.fromCharCode(bytes[k]!);
  return s;
}

function compareBytes(b: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const len = Math.min(aEnd - aStart, bEnd - bStart);
  for (let k = 0; k < len; k++) {
    const d = b[aStart + k]! - b[bStart + k]!;
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/** Longer keys are cut when quoted, so a sentence stays one short line whatever the input holds. */
const maxQuotedKey = 64;

/** A key as it can be shown in a sentence: printable ASCII as is, anything else in hex, long ones cut. */
function printable(key: string): string {
  const head = key.slice(0, maxQuotedKey);
  const text = /^[\x20-\x7e]*$/.test(head) ? head : Buffer.from(head, 'latin1').toString('hex');
  return key.length > maxQuotedKey ? `${text}… (${key.length} bytes)` : text;
}
