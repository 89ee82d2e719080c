import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../../../src-shared/errors';
import { BlockPool } from './block-pool';
import { MessageDecoder } from './message-decoder';
import { encodeMessage, encodePieceHeader, encodeRequests, type WireMessage } from './messages';

function decodeAll(bytes: Uint8Array[], pieceCount?: number): WireMessage[] {
  const out: WireMessage[] = [];
  const d = new MessageDecoder((m) => out.push(m), pieceCount);
  for (const b of bytes) d.push(b);
  expect(d.buffered).toBe(0);
  return out;
}

/** Deep-equal helper that compares Uint8Array views by content. */
function plain(m: WireMessage): unknown {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v instanceof Uint8Array ? [...v] : v]));
}

const root = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

const samples: WireMessage[] = [
  { type: 'keepAlive' },
  { type: 'choke' },
  { type: 'unchoke' },
  { type: 'interested' },
  { type: 'notInterested' },
  { type: 'have', index: 0x01020304 },
  { type: 'bitfield', bytes: Uint8Array.from([0xff, 0x80]) },
  { type: 'request', index: 7, begin: 16384, length: 16384 },
  { type: 'piece', index: 3, begin: 32768, block: Uint8Array.from([1, 2, 3, 4, 5]) },
  { type: 'cancel', index: 7, begin: 16384, length: 16384 },
  { type: 'port', port: 6881 },
  { type: 'suggest', index: 9 },
  { type: 'haveAll' },
  { type: 'haveNone' },
  { type: 'reject', index: 7, begin: 0, length: 1000 },
  { type: 'allowedFast', index: 12 },
  { type: 'extended', id: 3, payload: Uint8Array.from([100, 101]) },
  { type: 'hashRequest', piecesRoot: root, base: 0, index: 4, count: 4, proofLayers: 3 },
  { type: 'hashes', piecesRoot: root, base: 2, index: 0, count: 2, proofLayers: 2, hashes: new Uint8Array(3 * 32).fill(9) },
  { type: 'hashReject', piecesRoot: root, base: 0, index: 512, count: 512, proofLayers: 0 },
];

describe('message codec', () => {
  it('round-trips every message type', () => {
    for (const m of samples) {
      expect(decodeAll([encodeMessage(m)]).map(plain)).toEqual([plain(m)]);
    }
  });

  it('encodes the bytes BEP 3 specifies', () => {
    expect([...encodeMessage({ type: 'interested' })]).toEqual([0, 0, 0, 1, 2]);
    expect([...encodeMessage({ type: 'have', index: 258 })]).toEqual([0, 0, 0, 5, 4, 0, 0, 1, 2]);
    expect([...encodeMessage({ type: 'request', index: 1, begin: 2, length: 3 })]).toEqual([
      0, 0, 0, 13, 6, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,
    ]);
    expect([...encodeMessage({ type: 'haveAll' })]).toEqual([0, 0, 0, 1, 0x0e]);
    expect([...encodeMessage({ type: 'extended', id: 0, payload: Uint8Array.from([0x64, 0x65]) })]).toEqual([
      0, 0, 0, 4, 20, 0, 0x64, 0x65,
    ]);
  });

  it('encodes hash messages as BEP 52 lays them out: id, pieces root, base, index, length, proof layers, hashes', () => {
    const bytes = encodeMessage({ type: 'hashes', piecesRoot: root, base: 1, index: 2, count: 2, proofLayers: 3, hashes: new Uint8Array(64).fill(7) });
    expect([...bytes.subarray(0, 5)]).toEqual([0, 0, 0, 1 + 48 + 64, 22]);
    expect([...bytes.subarray(5, 37)]).toEqual([...root]);
    expect([...bytes.subarray(37, 53)]).toEqual([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3]);
    expect(bytes.length).toBe(4 + 1 + 48 + 64);
    expect(encodeMessage({ type: 'hashRequest', piecesRoot: root, base: 0, index: 0, count: 2, proofLayers: 0 })[4]).toBe(21);
    expect(encodeMessage({ type: 'hashReject', piecesRoot: root, base: 0, index: 0, count: 2, proofLayers: 0 })[4]).toBe(23);
    expect(() => encodeMessage({ type: 'hashRequest', piecesRoot: root.subarray(1), base: 0, index: 0, count: 2, proofLayers: 0 })).toThrow(RangeError);
  });

  it('writes a piece header that, followed by the block, equals the full message', () => {
    const block = Uint8Array.from({ length: 100 }, (_, i) => i);
    const full = encodeMessage({ type: 'piece', index: 5, begin: 200, block });
    expect([...encodePieceHeader(5, 200, 100), ...block]).toEqual([...full]);
  });

  it('batches requests into one buffer of consecutive messages', () => {
    const blocks = [
      { index: 1, begin: 0, length: 16384 },
      { index: 1, begin: 16384, length: 100 },
    ];
    const msgs = decodeAll([encodeRequests(blocks)]);
    expect(msgs).toEqual(blocks.map((b) => ({ type: 'request', ...b })));
  });

  it('gives the same messages for any split of the stream', () => {
    const arbMessage: fc.Arbitrary<WireMessage> = fc.oneof(
      fc.constantFrom<WireMessage>(...samples),
      fc.record({ type: fc.constant('have' as const), index: fc.nat(999) }),
      fc.record({
        type: fc.constant('piece' as const),
        index: fc.nat(999),
        begin: fc.nat(1 << 20),
        block: fc.uint8Array({ minLength: 1, maxLength: 3000 }),
      }),
      fc.record({ type: fc.constant('extended' as const), id: fc.nat(255), payload: fc.uint8Array({ maxLength: 300 }) }),
    );
    fc.assert(
      fc.property(fc.array(arbMessage, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 40 }), (msgs, cutSeeds) => {
        const stream = Uint8Array.from(msgs.flatMap((m) => [...encodeMessage(m)]));
        const cuts = [...new Set(cutSeeds.map((c) => (stream.length === 0 ? 0 : c % stream.length)))].sort((a, b) => a - b);
        const pieces: Uint8Array[] = [];
        let prev = 0;
        for (const c of [...cuts, stream.length]) {
          pieces.push(stream.subarray(prev, c));
          prev = c;
        }
        expect(decodeAll(pieces).map(plain)).toEqual(msgs.map(plain));
      }),
      { numRuns: 300 },
    );
  });

  it('handles a stream fed one byte at a time', () => {
    const stream = Uint8Array.from(samples.flatMap((m) => [...encodeMessage(m)]));
    const bytes = [...stream].map((b) => Uint8Array.of(b));
    expect(decodeAll(bytes).map(plain)).toEqual(samples.map(plain));
  });

  it('decodes a 16 KiB block split into many small chunks without quadratic copying', () => {
    const block = new Uint8Array(16384).map((_, i) => i & 0xff);
    const stream = encodeMessage({ type: 'piece', index: 1, begin: 0, block });
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i += 7) chunks.push(stream.subarray(i, i + 7));
    const [msg] = decodeAll(chunks);
    expect(msg?.type === 'piece' && [...msg.block]).toEqual([...block]);
  });
});

describe('message decoder and a reused read buffer', () => {
  it('keeps every message intact when each chunk is overwritten right after push', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 200 }), (cuts) => {
        const sent: WireMessage[] = [
          { type: 'bitfield', bytes: Uint8Array.from([0xff, 0x80]) },
          { type: 'piece', index: 1, begin: 0, block: Uint8Array.from({ length: 50 }, (_, i) => i) },
          { type: 'keepAlive' },
          { type: 'extended', id: 1, payload: Uint8Array.from([9, 8, 7]) },
          { type: 'piece', index: 2, begin: 16, block: Uint8Array.from({ length: 33 }, (_, i) => 255 - i) },
        ];
        const stream = Uint8Array.from(sent.flatMap((m) => [...encodeMessage(m)]));
        const out: WireMessage[] = [];
        const d = new MessageDecoder((m) => out.push(m));
        const readBuffer = new Uint8Array(64);
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const n = Math.min(cuts[i % cuts.length]!, stream.length - at);
          readBuffer.set(stream.subarray(at, at + n));
          d.push(readBuffer.subarray(0, n));
          readBuffer.fill(0xee); // the next read lands here
          at += n;
        }
        expect(d.buffered).toBe(0);
        expect(out.map(plain)).toEqual(sent.map(plain));
      }),
      { numRuns: 300 },
    );
  });

  it('copies blocks into the pool it was given', () => {
    const pool = new BlockPool(4, 64);
    const recycled = pool.acquire(4);
    pool.release(recycled);
    const blocks: Uint8Array[] = [];
    const d = new MessageDecoder((m) => m.type === 'piece' && blocks.push(m.block), undefined, pool);
    d.push(encodeMessage({ type: 'piece', index: 0, begin: 0, block: Uint8Array.from([1, 2, 3, 4]) }));
    d.push(encodeMessage({ type: 'piece', index: 0, begin: 4, block: Uint8Array.from([5, 6]) }));
    expect(blocks[0]).toBe(recycled);
    expect([...blocks[0]!]).toEqual([1, 2, 3, 4]);
    expect([...blocks[1]!]).toEqual([5, 6]);
  });
});

describe('message decoder limits', () => {
  function rejects(bytes: number[], pieceCount?: number): string {
    const d = new MessageDecoder(() => undefined, pieceCount);
    try {
      d.push(Uint8Array.from(bytes));
    } catch (err) {
      expect(isShoalError(err) && err.code).toBe('protocol');
      return (err as Error).message;
    }
    throw new Error('decoder accepted the input');
  }

  it('refuses a block larger than 128 KiB as soon as the header is in', () => {
    const len = 9 + 128 * 1024 + 1;
    expect(rejects([len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff, 7])).toMatch(/block/);
  });

  it('accepts a 128 KiB block', () => {
    const block = new Uint8Array(128 * 1024);
    expect(decodeAll([encodeMessage({ type: 'piece', index: 0, begin: 0, block })])).toHaveLength(1);
  });

  it('refuses a huge length prefix of an unknown message without buffering', () => {
    expect(rejects([0x7f, 0xff, 0xff, 0xff, 99])).toMatch(/unknown/);
  });

  it('refuses a bitfield of the wrong size once the piece count is known', () => {
    expect(rejects([0, 0, 0, 4, 5, 0xff, 0x80, 0], 9)).toMatch(/bitfield/);
    expect(rejects([0, 0, 0, 2, 5, 0xff], 9)).toMatch(/bitfield/);
    expect(decodeAll([Uint8Array.from([0, 0, 0, 3, 5, 0xff, 0x80])], 9)).toHaveLength(1);
  });

  it('refuses fixed-size messages of the wrong length', () => {
    expect(rejects([0, 0, 0, 2, 1, 0])).toMatch(/wrong length/);
    expect(rejects([0, 0, 0, 4, 4, 0, 0, 0])).toMatch(/wrong length/);
    expect(rejects([0, 0, 0, 12, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toMatch(/wrong length/);
  });

  it('refuses piece indexes past the last piece and zero-length requests', () => {
    expect(rejects([...encodeMessage({ type: 'have', index: 10 })], 10)).toMatch(/index 10/);
    expect(rejects([0, 0, 0, 13, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toMatch(/0 bytes/);
    expect(rejects([0, 0, 0, 9, 7, 0, 0, 0, 0, 0, 0, 0, 0])).toMatch(/block/);
  });

  it('refuses hash messages of the wrong size as soon as the header is in', () => {
    const request = [...encodeMessage({ type: 'hashRequest', piecesRoot: root, base: 0, index: 0, count: 2, proofLayers: 0 })];
    // One byte short, one byte long: the length prefix alone decides.
    expect(rejects([0, 0, 0, 48, 21])).toMatch(/wrong length/);
    expect(rejects([0, 0, 0, 50, 23])).toMatch(/wrong length/);
    expect(decodeAll([Uint8Array.from(request)])).toHaveLength(1);
    // hashes: at least one hash, whole hashes only, and no more than a request may ask for with its proof.
    expect(rejects([0, 0, 0, 49, 22])).toMatch(/hashes message of 49 bytes/);
    expect(rejects([0, 0, 0, 49 + 33, 22])).toMatch(/hashes message/);
    const tooMany = 49 + 32 * (512 + 65);
    expect(rejects([0, 0, tooMany >>> 8, tooMany & 0xff, 22])).toMatch(/hashes message/);
  });

  it('refuses hashes fewer than the range they answer', () => {
    const bytes = encodeMessage({ type: 'hashes', piecesRoot: root, base: 0, index: 0, count: 4, proofLayers: 0, hashes: new Uint8Array(3 * 32) });
    expect(rejects([...bytes])).toMatch(/3 hashes for a range of 4/);
  });

  it('skips small unknown messages and keeps framing', () => {
    const msgs = decodeAll([Uint8Array.from([0, 0, 0, 3, 99, 1, 2, ...encodeMessage({ type: 'unchoke' })])]);
    expect(msgs).toEqual([{ type: 'unchoke' }]);
  });

  it('on arbitrary bytes either decodes or throws a protocol error, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.option(fc.nat(100), { nil: undefined }), (bytes, pieceCount) => {
        const d = new MessageDecoder(() => undefined, pieceCount);
        try {
          d.push(bytes);
        } catch (err) {
          expect(isShoalError(err) && err.code).toBe('protocol');
        }
        expect(d.buffered).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('stops delivering after stop()', () => {
    const seen: WireMessage[] = [];
    const d = new MessageDecoder((m) => {
      seen.push(m);
      d.stop();
    });
    d.push(Uint8Array.from([...encodeMessage({ type: 'choke' }), ...encodeMessage({ type: 'unchoke' })]));
    expect(seen).toEqual([{ type: 'choke' }]);
  });
});
