/**
 * What `bencode` accepts: the decoded model (`BValue`) plus conveniences for building messages.
 * Text becomes UTF-8 bytes. Dictionary keys are binary strings, as in `BValue` (one character per
 * byte; ASCII keys are just themselves); `undefined` entries of a plain object are left out.
 */
export type BEncodable =
  | number
  | string
  | Uint8Array
  | readonly BEncodable[]
  | ReadonlyMap<string, BEncodable>
  | { readonly [key: string]: BEncodable | undefined };

/** Deeper input is a cycle or a bug; refusing it beats overflowing the stack. */
const maxDepth = 512;

/**
 * Canonical bencode of `value`: keys sorted as raw bytes. Throws a `RangeError` for integers
 * JavaScript cannot hold exactly (non-integers, beyond 2^53), keys holding characters above
 * U+00FF, and nesting deeper than 512.
 */
export function bencode(value: BEncodable): Uint8Array {
  const out = new Writer();
  write(value, out, 0);
  return out.result();
}

function write(value: BEncodable, out: Writer, depth: number): void {
  if (depth > maxDepth) throw new RangeError(`bencode: nesting deeper than ${maxDepth} levels`);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`bencode: ${value} is not an integer that can be encoded exactly`);
    out.ascii(`i${value}e`);
  } else if (typeof value === 'string') {
    out.text(value);
  } else if (value instanceof Uint8Array) {
    out.ascii(`${value.length}:`);
    out.bytes(value);
  } else if (Array.isArray(value)) {
    out.ascii('l');
    for (const item of value as readonly BEncodable[]) write(item, out, depth + 1);
    out.ascii('e');
  } else {
    const entries: [string, BEncodable][] =
      value instanceof Map
        ? [...(value as ReadonlyMap<string, BEncodable>)]
        : Object.entries(value as { readonly [key: string]: BEncodable | undefined }).filter(
            (entry): entry is [string, BEncodable] => entry[1] !== undefined,
          );
    // Binary-string keys: comparing UTF-16 code units below 0x100 is comparing the bytes.
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    out.ascii('d');
    for (const [key, item] of entries) {
      out.key(key);
      write(item, out, depth + 1);
    }
    out.ascii('e');
  }
}

// Encoding is synchronous, so one scratch buffer serves every call; larger ones are temporary.
const scratchBytes = 64 * 1024;
const scratch = Buffer.allocUnsafeSlow(scratchBytes);

/** One growing buffer instead of a chunk per token. */
class Writer {
  #buf = scratch;
  #pos = 0;

  #reserve(extra: number): void {
    if (this.#pos + extra <= this.#buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.#buf.length * 2, this.#pos + extra));
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  ascii(s: string): void {
    this.#reserve(s.length);
    this.#pos += this.#buf.write(s, this.#pos, 'latin1');
  }

  bytes(b: Uint8Array): void {
    this.#reserve(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }

  text(s: string): void {
    const length = Buffer.byteLength(s, 'utf8');
    this.ascii(`${length}:`);
    this.#reserve(length);
    this.#pos += this.#buf.write(s, this.#pos, 'utf8');
  }

  key(k: string): void {
    // A character above U+00FF is text, not a byte: silently writing it as UTF-8 would break
    // the key order and the round trip, so the caller must say which bytes they mean.
    for (let i = 0; i < k.length; i++) {
      if (k.charCodeAt(i) > 0xff) throw new RangeError(`bencode: the dictionary key '${k}' holds a character beyond one byte`);
    }
    this.ascii(`${k.length}:`);
    this.ascii(k);
  }

  result(): Uint8Array {
    // A copy of exactly the bytes written, so the caller owns all of its ArrayBuffer.
    const out = new Uint8Array(this.#pos);
    out.set(this.#buf.subarray(0, this.#pos));
    return out;
  }
}
