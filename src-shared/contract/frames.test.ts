import { describe, expect, it } from 'vitest';
import { encode } from '@msgpack/msgpack';
import { decodeFrame, encodeFrame } from './frames';
import { limits } from './limits';

describe('msgpack frames', () => {
  it('carry byte arrays as bytes and leave absent fields absent', () => {
    const message = { type: 'request', id: 7, name: 'addTorrent', input: { source: { kind: 'torrent', data: new Uint8Array([1, 2, 255]), fileName: undefined } } };
    const frame = encodeFrame(message);
    // The bytes travel as one msgpack bin 8 (0xc4, length 3), not as an array of numbers.
    const at = frame.indexOf(0xc4);
    expect(Array.from(frame.subarray(at, at + 5))).toEqual([0xc4, 3, 1, 2, 255]);
    const back = decodeFrame(frame) as typeof message;
    expect(back.input.source.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.input.source.data)).toEqual([1, 2, 255]);
    expect('fileName' in back.input.source).toBe(false);
  });

  it('refuse garbage, truncation and oversize as protocol errors', () => {
    expect(() => decodeFrame(new Uint8Array([0xc1]))).toThrow(expect.objectContaining({ code: 'protocol' }));
    const whole = encodeFrame({ a: 'hello' });
    expect(() => decodeFrame(whole.subarray(0, whole.byteLength - 1))).toThrow(expect.objectContaining({ code: 'protocol' }));
    expect(() => decodeFrame(new Uint8Array(limits.messageBytes + 1))).toThrow(expect.objectContaining({ code: 'protocol' }));
  });

  it('refuse length claims beyond the limits without allocating them', () => {
    // An array header claiming 2^32-1 elements in five bytes.
    expect(() => decodeFrame(new Uint8Array([0xdd, 0xff, 0xff, 0xff, 0xff]))).toThrow(expect.objectContaining({ code: 'protocol' }));
    const wideMap = encode(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i])));
    expect(() => decodeFrame(wideMap)).toThrow(expect.objectContaining({ code: 'protocol' }));
  });

  it('refuse prototype pollution keys', () => {
    const frame = new Uint8Array([0x81, 0xa9, ...Array.from('__proto__', (c) => c.charCodeAt(0)), 0x01]);
    expect(() => decodeFrame(frame)).toThrow(expect.objectContaining({ code: 'protocol' }));
  });

  it('refuse nesting deeper than 32 levels and more arrays and maps than a file list holds, before decoding', () => {
    const nest = (levels: number) => new Uint8Array([...Array<number>(levels).fill(0x91), 0x01]);
    expect(decodeFrame(nest(32))).toBeDefined();
    expect(() => decodeFrame(nest(33))).toThrow(expect.objectContaining({ code: 'protocol', message: expect.stringMatching(/nested deeper than 32/) }));
    // Three arrays of a million empty maps each: 3 million objects in 3 MiB.
    const third = new Uint8Array(5 + limits.files).fill(0x80);
    third.set([0xdd, 0, 0x10, 0, 0]);
    const frame = new Uint8Array([0x93, ...third, ...third, ...third]);
    expect(() => decodeFrame(frame)).toThrow(expect.objectContaining({ code: 'protocol', message: expect.stringMatching(/arrays and maps/) }));
  });
});
