import { describe, expect, it } from 'vitest';
import { bencode } from './encode';
import { binaryKey } from './values';

const ascii = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('bencode', () => {
  it('writes integers, text as UTF-8, bytes, lists and dictionaries', () => {
    expect(ascii(bencode(-42))).toBe('i-42e');
    expect(ascii(bencode(0))).toBe('i0e');
    expect(ascii(bencode(2 ** 53 - 1))).toBe('i9007199254740991e');
    expect(Buffer.from(bencode('é')).equals(Buffer.from('2:é', 'utf8'))).toBe(true);
    expect(ascii(bencode(Uint8Array.from([0, 255])))).toBe('2:\x00\xff');
    expect(ascii(bencode(['a', [], {}]))).toBe('l1:aledee');
  });

  it('sorts keys as raw bytes, for Maps and plain objects alike', () => {
    expect(ascii(bencode({ b: 1, a: 2, aa: 3, B: 4 }))).toBe('d1:Bi4e1:ai2e2:aai3e1:bi1ee');
    const hashes = [Buffer.alloc(20, 0xff), Buffer.alloc(20, 0x01), Buffer.alloc(20, 0x80)];
    const out = Buffer.from(bencode(new Map(hashes.map((h, i) => [binaryKey(h), i]))));
    const order = [0x01, 0x80, 0xff].map((b) => out.indexOf(Buffer.alloc(20, b)));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(out.toString('latin1')).toBe(`d20:${'\x01'.repeat(20)}i1e20:${'\x80'.repeat(20)}i2e20:${'\xff'.repeat(20)}i0ee`);
  });

  it('leaves out undefined entries of plain objects', () => {
    expect(ascii(bencode({ a: 1, b: undefined }))).toBe('d1:ai1ee');
  });

  it('grows past its scratch buffer for large values', () => {
    const big = new Uint8Array(200_000).fill(7);
    const out = bencode({ pieces: big, name: 'x' });
    expect(out.length).toBe('d4:name1:x6:pieces200000:e'.length + big.length);
    expect(out.subarray(out.length - 2)).toEqual(Uint8Array.from([7, 0x65]));
    // The scratch buffer is reused, so earlier results must be copies.
    const first = bencode('first');
    bencode('second');
    expect(ascii(first)).toBe('5:first');
  });

  it('refuses what it cannot write exactly', () => {
    expect(() => bencode(1.5)).toThrow(RangeError);
    expect(() => bencode(2 ** 53)).toThrow(/not an integer that can be encoded exactly/);
    expect(() => bencode(Number.NaN)).toThrow(RangeError);
    expect(() => bencode(new Map([['名', 1]]))).toThrow(/holds a character beyond one byte/);
    let deep: unknown[] = [];
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(() => bencode(deep as never)).toThrow(/nesting deeper than 512/);
  });
});
