import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShoalError } from '../../../src-shared/errors';
import {
  encodeMetadataMessage,
  METADATA_PIECE_SIZE,
  MetadataAssembler,
  metadataPiece,
  parseMetadataMessage,
  type MetadataMessage,
} from './ut-metadata';

function plain(m: MetadataMessage): unknown {
  return m.type === 'data' ? { ...m, data: [...m.data] } : m;
}

describe('ut_metadata messages', () => {
  it('round-trip request, data and reject', () => {
    const msgs: MetadataMessage[] = [
      { type: 'request', piece: 3 },
      { type: 'reject', piece: 0 },
      { type: 'data', piece: 1, totalSize: 20_000, data: Uint8Array.from([1, 2, 3, 0x65]) },
    ];
    for (const m of msgs) expect(plain(parseMetadataMessage(encodeMetadataMessage(m)))).toEqual(plain(m));
  });

  it('uses the BEP 9 layout: a bencoded dictionary, then the raw piece', () => {
    const bytes = encodeMetadataMessage({ type: 'data', piece: 0, totalSize: 3, data: new TextEncoder().encode('abc') });
    expect(new TextDecoder().decode(bytes)).toBe('d8:msg_typei1e5:piecei0e10:total_sizei3eeabc');
  });

  it('on arbitrary bytes either parses or throws a protocol error', () => {
    const bencodeish = fc.stringMatching(/^[dlie0-9:a-z_]{0,60}$/).map((t) => new TextEncoder().encode(t));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), bencodeish), (payload) => {
        try {
          expect(['request', 'data', 'reject']).toContain(parseMetadataMessage(payload).type);
        } catch (err) {
          expect(isShoalError(err) && err.code).toBe('protocol');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses malformed messages with a protocol error', () => {
    const refuse = (text: string) => {
      try {
        parseMetadataMessage(new TextEncoder().encode(text));
        return 'accepted';
      } catch (err) {
        return isShoalError(err) ? err.code : 'other';
      }
    };
    expect(refuse('d8:msg_typei0ee')).toBe('protocol'); // no piece
    expect(refuse('d8:msg_typei7e5:piecei0ee')).toBe('protocol');
    expect(refuse('d8:msg_typei0e5:piecei-1ee')).toBe('protocol');
    expect(refuse('d8:msg_typei1e5:piecei0ee')).toBe('protocol'); // data without total_size
    expect(refuse('d8:msg_typei1e5:piecei0e10:total_sizei999999999eee')).toBe('protocol');
    expect(refuse('li1ee')).toBe('protocol');
    expect(refuse('d8:msg_type')).toBe('protocol');
  });
});

describe('MetadataAssembler', () => {
  const info = randomBytes(2 * METADATA_PIECE_SIZE + 500);
  const infoHash = createHash('sha1').update(info).digest();

  it('assembles pieces in any order and checks the info-hash', () => {
    const a = new MetadataAssembler(infoHash, info.length);
    expect(a.pieceCount).toBe(3);
    expect(a.add(2, metadataPiece(info, 2)!, info.length)).toBeUndefined();
    expect(a.add(0, metadataPiece(info, 0)!, info.length)).toBeUndefined();
    expect(a.missing()).toEqual([1]);
    const done = a.add(1, metadataPiece(info, 1)!, info.length);
    expect(done && Buffer.from(done).equals(info)).toBe(true);
  });

  it('refuses pieces of the wrong size or index, and starts over when the hash is wrong', () => {
    const a = new MetadataAssembler(infoHash, info.length);
    expect(() => a.add(2, new Uint8Array(METADATA_PIECE_SIZE), info.length)).toThrow(/wrong size/);
    expect(() => a.add(3, new Uint8Array(500), info.length)).toThrow(/does not exist/);
    expect(() => a.add(0, metadataPiece(info, 0)!, info.length + 1)).toThrow(/different size/);
    a.add(0, metadataPiece(info, 0)!, info.length);
    a.add(1, new Uint8Array(METADATA_PIECE_SIZE), info.length); // a liar's piece
    expect(() => a.add(2, metadataPiece(info, 2)!, info.length)).toThrow(/does not match the info-hash/);
    expect(a.missing()).toEqual([0, 1, 2]);
  });

  it('checks a v2-only link by the SHA-256 (its info-hash is that cut to 20 bytes), a hybrid link by both', () => {
    const v2 = createHash('sha256').update(info).digest();
    const assemble = (a: MetadataAssembler) => [0, 1, 2].map((p) => a.add(p, metadataPiece(info, p)!, info.length)).at(-1);
    expect(assemble(new MetadataAssembler(v2.subarray(0, 20), info.length, v2))).toBeDefined();
    expect(assemble(new MetadataAssembler(infoHash, info.length, v2))).toBeDefined();
    const otherV2 = Buffer.from(v2);
    otherV2[31]! ^= 1;
    expect(() => assemble(new MetadataAssembler(otherV2.subarray(0, 20), info.length, otherV2))).toThrow(/does not match the info-hash/);
    expect(() => assemble(new MetadataAssembler(infoHash, info.length, otherV2))).toThrow(/does not match the info-hash/);
    expect(() => assemble(new MetadataAssembler(Buffer.alloc(20), info.length, v2))).toThrow(/does not match the info-hash/);
  });

  it('refuses absurd sizes before allocating', () => {
    expect(() => new MetadataAssembler(infoHash, 1e12)).toThrow(/unacceptable size/);
    expect(() => new MetadataAssembler(infoHash, 0)).toThrow(/unacceptable size/);
  });

  it('serves pieces, the last one short', () => {
    expect(metadataPiece(info, 0)!.length).toBe(METADATA_PIECE_SIZE);
    expect(metadataPiece(info, 2)!.length).toBe(500);
    expect(metadataPiece(info, 3)).toBeUndefined();
    expect(metadataPiece(info, -1)).toBeUndefined();
  });
});
