import { describe, expect, it } from 'vitest';
import { Rc4 } from './rc4';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Keystream at `offset` for `key`: RC4 of zero bytes. */
function keystream(key: Uint8Array, offset: number, length: number): string {
  const out = new Rc4(key).update(new Uint8Array(offset + length));
  return toHex(out.subarray(offset));
}

describe('Rc4', () => {
  // RFC 6229 section 2, keystream at offsets 0, 16, 240, 1024 and 4096.
  it('matches the RFC 6229 vectors for a 40-bit key', () => {
    const key = hex('0102030405');
    expect(keystream(key, 0, 32)).toBe('b2396305f03dc027ccc3524a0a1118a86982944f18fc82d589c403a47a0d0919');
    expect(keystream(key, 240, 16)).toBe('28cb1132c96ce286421dcaadb8b69eae');
    expect(keystream(key, 1024, 16)).toBe('30abbcc7c20b01609f23ee2d5f6bb7df');
  });

  it('matches the RFC 6229 vectors for a 128-bit key', () => {
    const key = hex('0102030405060708090a0b0c0d0e0f10');
    expect(keystream(key, 0, 32)).toBe('9ac7cc9a609d1ef7b2932899cde41b975248c4959014126a6e8a84f11d1a9e1c');
    expect(keystream(key, 240, 16)).toBe('065902e4b620f6cc36c8589f66432f2b');
    expect(keystream(key, 1024, 32)).toBe('bdf0324e6083dcc6d3cedd3ca8c53c167e5cb90bc6802a7a3df2ddec55017396');
    expect(keystream(key, 4096, 16)).toBe('a36a4c301ae8ac13610ccbc12256cacc');
  });

  it('drops keystream bytes as asked, as MSE drops its first 1,024', () => {
    const key = hex('0102030405060708090a0b0c0d0e0f10');
    expect(toHex(new Rc4(key, 1024).update(new Uint8Array(16)))).toBe('bdf0324e6083dcc6d3cedd3ca8c53c16');
  });

  it('gives the same stream whatever the chunking and alignment of the buffers', () => {
    const key = hex('00112233445566778899');
    const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31 + 7) & 255);
    const whole = new Rc4(key).update(data.slice());
    const pieces = new Rc4(key);
    const backing = new Uint8Array(data.length + 3);
    const shifted = backing.subarray(3);
    shifted.set(data);
    for (let at = 0, step = 1; at < data.length; at += step, step = (step * 7 + 3) % 97) {
      pieces.update(shifted.subarray(at, Math.min(data.length, at + step)));
    }
    expect(toHex(shifted)).toBe(toHex(whole));
  });

  it('writes to another buffer without touching the source, and decrypts what it encrypted', () => {
    const key = hex('2a2a2a');
    const plain = new TextEncoder().encode('a block that is not ours to change');
    const copy = plain.slice();
    const sealed = new Rc4(key, 1024).update(plain, new Uint8Array(plain.length + 8));
    expect(toHex(plain)).toBe(toHex(copy));
    expect(sealed.length).toBe(plain.length);
    expect(toHex(new Rc4(key, 1024).update(sealed.slice()))).toBe(toHex(plain));
  });
});
