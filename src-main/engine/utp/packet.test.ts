import { describe, expect, it } from 'vitest';
import { decodePacket, emptyPacket, HEADER_SIZE, seqDistance, stampPacket, ST_DATA, ST_RESET, ST_STATE, ST_SYN, writeHeader } from './packet';

function packet(type: number, extra: number[] = [], firstExtension = 0): Uint8Array {
  const bytes = new Uint8Array(HEADER_SIZE + extra.length);
  writeHeader(bytes, { type: type as 0, connectionId: 0x1234, window: 100_000, seq: 7, ack: 6 });
  bytes[1] = firstExtension;
  bytes.set(extra, HEADER_SIZE);
  return bytes;
}

describe('uTP packet codec', () => {
  it('writes and reads back every header field, with a selective ACK', () => {
    const bytes = new Uint8Array(HEADER_SIZE + 2 + 4 + 3);
    const at = writeHeader(bytes, { type: ST_DATA, connectionId: 0xbeef, window: 1 << 20, seq: 0xfffe, ack: 0x8001 }, Uint8Array.of(1, 2, 4, 8));
    bytes.set([9, 8, 7], at);
    stampPacket(bytes, 0xdeadbeef, 0x01020304, 5000, 0x8002);
    const p = emptyPacket();
    expect(decodePacket(bytes, p)).toBeUndefined();
    expect(p).toMatchObject({ type: ST_DATA, connectionId: 0xbeef, timestamp: 0xdeadbeef, timestampDiff: 0x01020304, window: 5000, seq: 0xfffe, ack: 0x8002 });
    expect([...p.sack]).toEqual([1, 2, 4, 8]);
    expect([...p.payload]).toEqual([9, 8, 7]);
  });

  it('skips extensions it does not know (libtorrent sends one of 8 bytes)', () => {
    const p = emptyPacket();
    expect(decodePacket(packet(ST_STATE, [0, 8, 1, 2, 3, 4, 5, 6, 7, 8], 2), p)).toBeUndefined();
    expect(p.sack.length).toBe(0);
  });

  it('rejects each malformed kind with a reason', () => {
    const p = emptyPacket();
    const cases: [string, Uint8Array, RegExp][] = [
      ['short', new Uint8Array(19).fill(0x01), /shorter/],
      ['version 2', Uint8Array.from(packet(ST_DATA), (b, i) => (i === 0 ? 0x02 : b)), /version 2/],
      ['type 5', Uint8Array.from(packet(ST_DATA), (b, i) => (i === 0 ? 0x51 : b)), /type 5/],
      ['extension header cut', packet(ST_STATE, [0], 1), /past the end/],
      ['SACK longer than the packet', packet(ST_STATE, [0, 8, 0xff, 0xff, 0xff, 0xff], 1), /longer than the packet/],
      ['empty SACK', packet(ST_STATE, [0, 0], 1), /selective ACK of 0/],
      ['huge SACK', packet(ST_STATE, [0, 132, ...new Array<number>(132).fill(0xff)], 1), /selective ACK of 132/],
      ['two SACKs', packet(ST_STATE, [1, 4, 1, 0, 0, 0, 0, 4, 1, 0, 0, 0], 1), /two selective/],
      ['payload on a STATE', packet(ST_STATE, [1, 2, 3]), /carries none/],
      ['payload on a RESET', packet(ST_RESET, [1]), /carries none/],
    ];
    for (const [name, bytes, reason] of cases) expect(decodePacket(bytes, p), name).toMatch(reason);
    expect(decodePacket(packet(ST_SYN), p)).toBeUndefined();
    // libtorrent's selective ACKs are as short as its holes need (1 byte), not multiples of 4.
    expect(decodePacket(packet(ST_STATE, [0, 1, 3], 1), p)).toBeUndefined();
    expect([...p.sack]).toEqual([3]);
  });

  it('measures sequence distances across the 16-bit wrap', () => {
    expect(seqDistance(2, 0xfffe)).toBe(4);
    expect(seqDistance(0xfffe, 2)).toBe(-4);
    expect(seqDistance(5, 5)).toBe(0);
  });
});
