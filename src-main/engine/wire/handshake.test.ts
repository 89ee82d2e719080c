import { describe, expect, it } from 'vitest';
import { isShoalError } from '../../../src-shared/errors';
import { checkHandshakePrefix, encodeHandshake, HANDSHAKE_LENGTH, parseHandshake } from './handshake';

const infoHash = Uint8Array.from({ length: 20 }, (_, i) => i);
const peerId = Uint8Array.from({ length: 20 }, (_, i) => 100 + i);

describe('handshake', () => {
  it('round-trips with the extension bits where BEP 10 and BEP 6 put them', () => {
    const bytes = encodeHandshake(infoHash, peerId, { extended: true, fast: true });
    expect(bytes.length).toBe(HANDSHAKE_LENGTH);
    expect(bytes[0]).toBe(19);
    expect(new TextDecoder().decode(bytes.subarray(1, 20))).toBe('BitTorrent protocol');
    expect(bytes[25]).toBe(0x10);
    expect(bytes[27]).toBe(0x04);
    const h = parseHandshake(bytes);
    expect(h.extended).toBe(true);
    expect(h.fast).toBe(true);
    expect(h.dht).toBe(false);
    expect([...h.infoHash]).toEqual([...infoHash]);
    expect([...h.peerId]).toEqual([...peerId]);
  });

  it('puts the v2 bit (BEP 52) in the last reserved byte, 0x10, beside the others', () => {
    const bytes = encodeHandshake(infoHash, peerId, { fast: true, dht: true, v2: true });
    expect(bytes[27]).toBe(0x10 | 0x04 | 0x01);
    expect(parseHandshake(bytes).v2).toBe(true);
    expect(parseHandshake(encodeHandshake(infoHash, peerId, { fast: true })).v2).toBe(false);
  });

  it('reports no extensions when the reserved bytes are zero and keeps unknown bits', () => {
    const bytes = encodeHandshake(infoHash, peerId);
    bytes[20] = 0x80; // a bit nobody here knows
    const h = parseHandshake(bytes);
    expect(h.extended || h.fast || h.dht || h.v2).toBe(false);
    expect(h.reserved[0]).toBe(0x80);
  });

  it('refuses another protocol from its first byte', () => {
    const check = (b: number[]) => {
      try {
        checkHandshakePrefix(Uint8Array.from(b));
        return 'ok';
      } catch (err) {
        return isShoalError(err) ? err.code : 'other';
      }
    };
    expect(check([71])).toBe('protocol'); // "G" of "GET /"
    expect(check([19, 66])).toBe('ok');
    expect(check([19, 67])).toBe('protocol');
    expect(() => parseHandshake(new Uint8Array(10))).toThrow(/truncated/);
  });
});
