import { ShoalError } from '../../../src-shared/errors';

/** Bounds that keep a hostile file from hanging the scanner or exhausting memory. */
export interface BencodeLimits {
  /** Whole input, in bytes. */
  readonly maxBytes: number;
  /** Lists and dictionaries nested inside each other. */
  readonly maxDepth: number;
  /** Values of any kind (each one becomes a JS object when decoded). */
  readonly maxValues: number;
}

export const torrentLimits: BencodeLimits = {
  // The largest real torrents (millions of pieces) stay well below this.
  maxBytes: 32 * 1024 * 1024,
  // A torrent nests five deep; extensions add a few more.
  maxDepth: 64,
  // About 150 bytes each once decoded: this caps decoding near 150 MB even for a hostile file.
  maxValues: 1_000_000,
};

/** Where the top-level dictionary's `info` value lies in the input, end exclusive. */
export interface InfoSpan {
  readonly start: number;
  readonly end: number;
}

export interface ScanResult {
  /** Absent when the input is not a dictionary with an `info` key. */
  readonly info?: InfoSpan;
}

const D = 0x64; // d
const L = 0x6c; // l
const I = 0x69; // i
const E = 0x65; // e
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

// 2^53 - 1 has 16 digits: longer digit runs cannot be exact JS numbers.
const maxIntegerDigits = 16;
const keyDecoder = new TextDecoder('utf-8');

interface Frame {
  readonly dict: boolean;
  readonly start: number;
  /** Dictionaries only: the next item is a key. */
  expectKey: boolean;
  readonly keys: Set<string> | undefined;
}

function fail(sentence: string): never {
  throw new ShoalError('invalid-torrent', `The torrent file is damaged: ${sentence}.`);
}

/**
 * Checks that `bytes` is exactly one well-formed bencode value within `limits`, strictly enough
 * that the lenient, recursive `bencode` package can then decode it safely: integers are canonical
 * and exact, string lengths fit the input, nesting is bounded, no dictionary repeats a key (as
 * `bencode` names it) or uses `__proto__`, and nothing follows the value. Unsorted keys are
 * accepted because real torrents have them; the info-hash is taken from the original bytes anyway.
 * Iterative, so deep nesting cannot overflow the stack.
 */
export function scanBencode(bytes: Uint8Array, limits: BencodeLimits = torrentLimits): ScanResult {
  const n = bytes.length;
  if (n === 0) fail('it is empty');
  if (n > limits.maxBytes) {
    fail(`it is ${n} bytes long, more than the ${limits.maxBytes} bytes allowed`);
  }
  const stack: Frame[] = [];
  let pos = 0;
  let values = 0;
  let infoStart = -1;
  let infoEnd = -1;

  // Reads the decimal digits of a string length at `pos`, up to the colon.
  const readLength = (): number => {
    const start = pos;
    let value = 0;
    while (pos < n && bytes[pos]! >= ZERO && bytes[pos]! <= NINE) {
      value = value * 10 + (bytes[pos]! - ZERO);
      pos++;
      if (pos - start > maxIntegerDigits) fail(`the string length at byte ${start} is too large`);
    }
    if (pos === n) fail(`it ends inside a string length at byte ${start}`);
    if (bytes[pos] !== COLON) fail(`unexpected byte 0x${bytes[pos]!.toString(16)} at byte ${pos}`);
    if (bytes[start] === ZERO && pos - start > 1) {
      fail(`the string length at byte ${start} has a leading zero`);
    }
    pos++;
    if (value > n - pos) {
      fail(`the string at byte ${start} claims ${value} bytes but only ${n - pos} remain`);
    }
    return value;
  };

  const readInteger = (): void => {
    const start = pos;
    pos++; // 'i'
    const negative = bytes[pos] === MINUS;
    if (negative) pos++;
    const digitsStart = pos;
    while (pos < n && bytes[pos]! >= ZERO && bytes[pos]! <= NINE) pos++;
    const digits = pos - digitsStart;
    if (pos === n) fail(`it ends inside the integer at byte ${start}`);
    if (bytes[pos] !== E || digits === 0) fail(`the integer at byte ${start} is malformed`);
    if (bytes[digitsStart] === ZERO && (digits > 1 || negative)) {
      fail(`the integer at byte ${start} is not canonical (leading zero or -0)`);
    }
    if (digits > maxIntegerDigits) fail(`the integer at byte ${start} is too large`);
    let value = 0;
    for (let k = digitsStart; k < pos; k++) value = value * 10 + (bytes[k]! - ZERO);
    if (!Number.isSafeInteger(value)) fail(`the integer at byte ${start} is too large`);
    pos++; // 'e'
  };

  // Called after a whole value has been read at the current nesting level.
  const valueDone = (): void => {
    const top = stack[stack.length - 1];
    if (top) top.expectKey = top.dict;
    if (stack.length === 1 && infoStart >= 0 && infoEnd < 0) infoEnd = pos;
  };

  do {
    const top = stack[stack.length - 1];
    if (pos >= n) fail(`it ends early, inside the ${top?.dict ? 'dictionary' : 'list'} at byte ${top?.start ?? 0}`);
    const c = bytes[pos]!;

    if (top && c === E) {
      if (top.dict && !top.expectKey) fail(`a key in the dictionary at byte ${top.start} has no value`);
      pos++;
      stack.pop();
      valueDone();
      continue;
    }

    if (top?.dict && top.expectKey) {
      if (c < ZERO || c > NINE) fail(`a dictionary key at byte ${pos} is not a string`);
      const len = readLength();
      const raw = bytes.subarray(pos, pos + len);
      pos += len;
      // Name the key exactly as the `bencode` package will, so duplicates it would merge are caught.
      let key = keyDecoder.decode(raw);
      if (key.includes('\uFFFD')) key = Buffer.from(raw).toString('hex');
      if (key === '__proto__') fail(`the dictionary at byte ${top.start} has a '__proto__' key`);
      if (top.keys!.has(key)) fail(`the dictionary at byte ${top.start} has the key '${key}' twice`);
      top.keys!.add(key);
      top.expectKey = false;
      if (stack.length === 1 && key === 'info') infoStart = pos;
      continue;
    }

    if (++values > limits.maxValues) fail(`it holds more than ${limits.maxValues} values`);
    if (c === D || c === L) {
      if (stack.length >= limits.maxDepth) fail(`it nests deeper than ${limits.maxDepth} levels`);
      const dict = c === D;
      stack.push({ dict, start: pos, expectKey: dict, keys: dict ? new Set() : undefined });
      pos++;
    } else if (c === I) {
      readInteger();
      valueDone();
    } else if (c >= ZERO && c <= NINE) {
      const len = readLength(); // read first: `pos += readLength()` would add to the old pos
      pos += len;
      valueDone();
    } else {
      fail(`unexpected byte 0x${c.toString(16)} at byte ${pos}`);
    }
  } while (stack.length > 0);

  if (pos !== n) fail(`${n - pos} unexpected byte${n - pos === 1 ? '' : 's'} follow${n - pos === 1 ? 's' : ''} the data at byte ${pos}`);
  return infoStart >= 0 && infoEnd >= 0 ? { info: { start: infoStart, end: infoEnd } } : {};
}
