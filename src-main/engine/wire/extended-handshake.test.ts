import bencode from 'bencode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../../../src-shared/errors';
import { encodeExtendedHandshake, parseExtendedHandshake } from './extended-handshake';

describe('extended handshake', () => {
  it('round-trips every field we use', () => {
    const h = {
      m: { ut_metadata: 3, ut_pex: 1 },
      v: 'Shoal 0.1.0',
      p: 6881,
      reqq: 500,
      yourip: Uint8Array.from([127, 0, 0, 1]),
      metadataSize: 31337,
    };
    const back = parseExtendedHandshake(encodeExtendedHandshake(h));
    expect({ ...back, m: { ...back.m }, yourip: [...back.yourip!] }).toEqual({ ...h, yourip: [127, 0, 0, 1] });
  });

  it('uses the BEP 10 key metadata_size on the wire', () => {
    const raw = bencode.decode(encodeExtendedHandshake({ m: {}, metadataSize: 5 })) as Record<string, unknown>;
    expect(raw.metadata_size).toBe(5);
  });

  it('says upload_only (BEP 21) as 1, and reads any positive integer as it', () => {
    const raw = bencode.decode(encodeExtendedHandshake({ m: {}, uploadOnly: true })) as Record<string, unknown>;
    expect(raw.upload_only).toBe(1);
    expect('upload_only' in (bencode.decode(encodeExtendedHandshake({ m: {} })) as Record<string, unknown>)).toBe(false);
    expect(parseExtendedHandshake(bencode.encode({ m: {}, upload_only: 2 })).uploadOnly).toBe(true);
    expect(parseExtendedHandshake(bencode.encode({ m: {}, upload_only: 0 })).uploadOnly).toBeUndefined();
    expect(parseExtendedHandshake(bencode.encode({ m: {}, upload_only: 'yes' })).uploadOnly).toBeUndefined();
  });

  it('drops fields of the wrong type instead of failing', () => {
    const payload = bencode.encode({ m: { ut_metadata: 'x', ut_pex: 2, bad: -1 }, p: 'port', reqq: -5, yourip: 'abc' });
    const h = parseExtendedHandshake(payload);
    expect({ ...h.m }).toEqual({ ut_pex: 2 });
    expect(h.p).toBeUndefined();
    expect(h.reqq).toBeUndefined();
    expect(h.yourip).toBeUndefined();
  });

  it('on arbitrary bytes either parses or throws a protocol error', () => {
    const bencodeish = fc.stringMatching(/^[dlie0-9:a-z]{0,60}$/).map((t) => new TextEncoder().encode(t));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), bencodeish), (payload) => {
        try {
          expect(typeof parseExtendedHandshake(payload).m).toBe('object');
        } catch (err) {
          expect(isShoalError(err) && err.code).toBe('protocol');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects a payload that is not a bencoded dictionary', () => {
    expect(() => parseExtendedHandshake(Uint8Array.from([0x69, 0x31]))).toThrow(/dictionary|bencode/);
    expect(() => parseExtendedHandshake(new TextEncoder().encode('l'.repeat(100_000)))).toThrow(/bencode/);
    expect(() => parseExtendedHandshake(new TextEncoder().encode('li1ee'))).toThrow(/dictionary/);
  });
});
