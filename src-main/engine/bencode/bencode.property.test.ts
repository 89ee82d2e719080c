// Property tests: our codec round-trips every value exactly, and agrees with the npm `bencode`
// package (an independent implementation, kept as a dev dependency for this) wherever both apply.
import oracle from 'bencode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bdecode, BencodeError, type BencodeLimits } from './decode';
import { bencode } from './encode';
import type { BValue } from './values';

const limits: BencodeLimits = { maxBytes: 1 << 20, maxDepth: 32, maxValues: 100_000, maxStringBytes: 1 << 20, maxIntegerDigits: 16 };
const safeInt = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
const anyInt = fc.oneof(safeInt, fc.integer({ min: -1000, max: 1000 }));

/** Our model in full: binary keys (any byte), binary strings. */
const { value: bvalue } = fc.letrec<{ value: BValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyInt,
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 6 }),
    fc.array(fc.tuple(fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 24 }).filter((k) => k !== '__proto__'), tie('value')), { maxLength: 6 }).map(
      (entries) => new Map(entries),
    ),
  ),
}));

/** What the oracle handles the same way: ASCII keys (it sorts keys as UTF-16 text and names them as UTF-8). */
type Plain = number | Uint8Array | Plain[] | { [key: string]: Plain };
const { plain } = fc.letrec<{ plain: Plain }>((tie) => ({
  plain: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyInt,
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('plain'), { maxLength: 6 }),
    fc.dictionary(fc.string({ unit: 'binary-ascii', maxLength: 12 }).filter((k) => k !== '__proto__'), tie('plain'), { maxKeys: 6 }),
  ),
}));

/** Our decoded value in the oracle's shape: Maps become objects, keys read as UTF-8 as the oracle reads them. */
function toPlain(value: BValue): Plain {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [Buffer.from(k, 'latin1').toString('utf8'), toPlain(v)]));
  if (Array.isArray(value)) return value.map(toPlain);
  return value;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

describe('bencode round trips', () => {
  it('decode(encode(v)) is v, and encoding it again gives the same bytes', () => {
    fc.assert(
      fc.property(bvalue, (v) => {
        const bytes = bencode(v);
        const back = bdecode(bytes, { limits });
        expect(back).toEqual(v);
        expect(same(bencode(back), bytes)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('canonical input decodes and re-encodes to the very same bytes', () => {
    fc.assert(
      fc.property(plain, (v) => {
        const bytes = oracle.encode(v);
        expect(same(bencode(bdecode(bytes, { limits })), bytes)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('bencode agrees with the npm bencode package', () => {
  it('encodes the same bytes', () => {
    fc.assert(
      fc.property(plain, (v) => {
        expect(same(bencode(v), oracle.encode(v))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes the same value', () => {
    fc.assert(
      fc.property(plain, (v) => {
        const bytes = bencode(v);
        expect(toPlain(bdecode(bytes, { limits }))).toEqual(oracle.decode(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('accepts every encoding of the oracle, Unicode keys included, with unsorted keys allowed (as for torrents)', () => {
    // The oracle sorts keys as UTF-16 text, which is not byte order beyond the BMP, and names a key
    // holding U+FFFD in hex (its test for invalid UTF-8).
    const key = fc.string({ unit: 'grapheme', maxLength: 8 }).filter((k) => k !== '__proto__' && !k.includes('\uFFFD'));
    const { text } = fc.letrec<{ text: Plain }>((tie) => ({
      text: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.maxSafeInteger(),
        fc.uint8Array({ maxLength: 16 }),
        fc.array(tie('text'), { maxLength: 5 }),
        fc.dictionary(key, tie('text'), { maxKeys: 5 }),
      ),
    }));
    fc.assert(
      fc.property(text, (v) => {
        const encoded = oracle.encode(v);
        expect(toPlain(bdecode(encoded, { limits, unsortedKeys: true }))).toEqual(oracle.decode(encoded));
      }),
      { numRuns: 1000 },
    );
  });

  it('whatever it accepts of damaged input, the oracle reads the same way', () => {
    const damaged = fc.tuple(plain, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 })).map(([v, flips]) => {
      const bytes = Uint8Array.from(bencode(v));
      for (const [at, b] of flips) bytes[at % bytes.length] = b;
      return bytes;
    });
    let accepted = 0;
    fc.assert(
      fc.property(damaged, (bytes) => {
        let ours: BValue;
        try {
          ours = bdecode(bytes, { limits, unsortedKeys: true });
        } catch (err) {
          expect(err).toBeInstanceOf(BencodeError);
          return;
        }
        accepted++;
        // The oracle names non-UTF-8 keys differently; compare only where every key is ASCII.
        if (bytes.every((b) => b < 0x80)) expect(toPlain(ours)).toEqual(oracle.decode(bytes));
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
