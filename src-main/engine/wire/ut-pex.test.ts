import bencode from 'bencode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../../../src-shared/errors';
import { encodePexMessage, parsePexMessage, PEX_SEED } from './ut-pex';

describe('ut_pex messages', () => {
  it('round-trip IPv4 and IPv6 peers with their flags', () => {
    const m = {
      added: [
        { host: '127.0.0.1', port: 6881, flags: PEX_SEED },
        { host: '10.1.2.3', port: 51413, flags: 0 },
        { host: '::1', port: 7000, flags: 0x10 },
      ],
      dropped: [{ host: '127.0.0.2', port: 1 }, { host: 'fe80::1:2', port: 2 }],
    };
    const back = parsePexMessage(encodePexMessage(m));
    expect(back.added).toEqual([
      { host: '127.0.0.1', port: 6881, flags: PEX_SEED },
      { host: '10.1.2.3', port: 51413, flags: 0 },
      { host: '::1', port: 7000, flags: 0x10 },
    ]);
    expect(back.dropped).toEqual([
      { host: '127.0.0.2', port: 1 },
      { host: 'fe80::1:2', port: 2 },
    ]);
  });

  it('writes BEP 11 compact lists and sends mapped IPv4 as IPv4', () => {
    const raw = bencode.decode(encodePexMessage({ added: [{ host: '::ffff:1.2.3.4', port: 258 }], dropped: [] })) as Record<string, Uint8Array>;
    expect([...raw.added!]).toEqual([1, 2, 3, 4, 1, 2]);
    expect([...raw['added.f']!]).toEqual([0]);
    expect(raw.added6).toBeUndefined();
  });

  it('skips port 0, ignores flags of the wrong length and refuses malformed or huge lists', () => {
    const msg = (d: Record<string, unknown>) => parsePexMessage(bencode.encode(d));
    expect(msg({ added: Uint8Array.from([1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 0, 80]), 'added.f': Uint8Array.of(1) }).added).toEqual([
      { host: '5.6.7.8', port: 80 },
    ]);
    expect(() => msg({ added: new Uint8Array(7) })).toThrow(/malformed/);
    expect(() => msg({ added: new Uint8Array(6 * 201) })).toThrow(/malformed/);
    expect(() => msg({ added: 'text' })).toThrow(/malformed/);
  });

  it('on arbitrary bytes either parses or throws a protocol error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (payload) => {
        try {
          expect(Array.isArray(parsePexMessage(payload).added)).toBe(true);
        } catch (err) {
          expect(isShoalError(err) && err.code).toBe('protocol');
        }
      }),
      { numRuns: 500 },
    );
  });
});
