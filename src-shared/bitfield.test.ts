import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield';

describe('Bitfield', () => {
  it('uses wire order: bit 0 is the high bit of byte 0', () => {
    const bf = new Bitfield(10);
    bf.set(0);
    bf.set(9);
    expect([...bf.bytes]).toEqual([0x80, 0x40]);
    expect(bf.count).toBe(2);
    expect(bf.has(9)).toBe(true);
    expect(bf.has(8)).toBe(false);
  });

  it('clears spare bits a peer set past the end instead of counting them', () => {
    const bf = new Bitfield(10, Uint8Array.from([0xff, 0xff]));
    expect(bf.count).toBe(10);
    expect(bf.complete).toBe(true);
    expect(bf.bytes[1]).toBe(0xc0);
  });

  it('refuses a byte array of the wrong length', () => {
    expect(() => new Bitfield(10, new Uint8Array(1))).toThrow(RangeError);
  });

  it('keeps its count exact through repeated set and clear', () => {
    const bf = new Bitfield(20);
    bf.set(3);
    bf.set(3);
    bf.clear(4);
    expect(bf.count).toBe(1);
    bf.clear(3);
    expect(bf.count).toBe(0);
    bf.setAll();
    expect(bf.count).toBe(20);
    expect(bf.bytes[2]).toBe(0xf0);
    expect(() => bf.set(20)).toThrow(RangeError);
  });
});
