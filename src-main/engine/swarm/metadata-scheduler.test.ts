import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { METADATA_PIECE_SIZE, metadataPiece } from '../wire/ut-metadata';
import { MetadataScheduler } from './metadata-scheduler';

const info = randomBytes(METADATA_PIECE_SIZE * 2 + 100);
const infoHash = new Uint8Array(createHash('sha1').update(info).digest());
const piece = (i: number): Uint8Array => metadataPiece(info, i)!;
const corrupt = (i: number): Uint8Array => {
  const bad = new Uint8Array(piece(i));
  bad[0]! ^= 1;
  return bad;
};

function scheduler() {
  let now = 0;
  const s = new MetadataScheduler(infoHash, { requestTimeoutMs: 1000, cooldownMs: 500, perPeer: 2, now: () => now });
  return { s, advance: (ms: number) => (now += ms) };
}

describe('MetadataScheduler', () => {
  it('spreads the pieces over the peers and finishes with the verified bytes', () => {
    const { s } = scheduler();
    s.addPeer('a', info.length);
    s.addPeer('b', info.length);
    const requests = s.next();
    expect(requests.map((r) => r.piece)).toEqual([0, 1, 2]);
    expect(new Set(requests.map((r) => r.peer))).toEqual(new Set(['a', 'b']));
    expect(s.next()).toEqual([]); // everything is out
    let last;
    for (const r of requests) last = s.received(r.peer, r.piece, info.length, piece(r.piece));
    expect(Buffer.from(last!.info!).equals(info)).toBe(true);
    expect(last!.liars).toEqual([]);
  });

  it('asks someone else after a reject or a timeout', () => {
    const { s, advance } = scheduler();
    s.addPeer('a', info.length);
    expect(s.next().map((r) => r.piece)).toEqual([0, 1]);
    s.rejected('a', 0);
    s.addPeer('b', info.length);
    // a may not be asked piece 0 again for a while; piece 2 goes to whoever is least busy.
    expect(s.next()).toEqual([{ peer: 'b', piece: 0 }, { peer: 'a', piece: 2 }]);
    advance(1000);
    // Everything out timed out; each piece goes to a peer that did not just fail it.
    expect(s.next()).toEqual([{ peer: 'a', piece: 0 }, { peer: 'b', piece: 1 }, { peer: 'b', piece: 2 }]);
  });

  it('convicts a lone sender of bad metadata at once', () => {
    const { s } = scheduler();
    s.addPeer('liar', info.length);
    s.next();
    s.received('liar', 0, info.length, piece(0));
    s.received('liar', 1, info.length, piece(1));
    expect(s.received('liar', 2, info.length, corrupt(2))).toEqual({ liars: ['liar'] });
    expect(s.next()).toEqual([]); // nobody left to ask
  });

  for (const order of [['good', 'liar'], ['liar', 'good']]) {
  it(`after a failure with several senders, takes one source at a time and convicts the liar (${order.join(' first, ')})`, () => {
    const { s } = scheduler();
    for (const peer of order) s.addPeer(peer, info.length);
    const first = s.next();
    let outcome;
    for (const r of first) outcome = s.received(r.peer, r.piece, info.length, r.peer === 'liar' ? corrupt(r.piece) : piece(r.piece));
    expect(outcome).toEqual({ liars: [] }); // two senders: nobody can be blamed yet
    const second = s.next();
    expect(new Set(second.map((r) => r.peer)).size).toBe(1);
    const source = second[0]!.peer;
    let pieces = second;
    for (;;) {
      for (const r of pieces) outcome = s.received(r.peer, r.piece, info.length, source === 'liar' ? corrupt(r.piece) : piece(r.piece));
      if (outcome!.info || outcome!.liars.length > 0) break;
      pieces = s.next();
    }
    if (source === 'liar') {
      expect(outcome!.liars).toEqual(['liar']); // its own attempt failed
      s.removePeer('liar');
      for (const r of s.next()) outcome = s.received(r.peer, r.piece, info.length, piece(r.piece));
      while (!outcome!.info) for (const r of s.next()) outcome = s.received(r.peer, r.piece, info.length, piece(r.piece));
    }
    expect(Buffer.from(outcome!.info!).equals(info)).toBe(true);
    if (source === 'good') expect(outcome!.liars).toEqual(['liar']);
    expect(source).toBe(order[0]);
  });
  }

  it('follows the size most peers announce, so one peer lying about it cannot hold the fetch', () => {
    const { s } = scheduler();
    s.addPeer('liar', info.length + 5);
    expect(s.next().map((r) => r.peer)).toEqual(['liar', 'liar']);
    s.addPeer('a', info.length);
    s.addPeer('b', info.length);
    const requests = s.next();
    expect(new Set(requests.map((r) => r.peer))).toEqual(new Set(['a', 'b']));
    let outcome;
    for (const r of requests) outcome = s.received(r.peer, r.piece, info.length, piece(r.piece));
    expect(Buffer.from(outcome!.info!).equals(info)).toBe(true);
  });

  it('convicts a peer whose data contradicts the size it announced', () => {
    const { s } = scheduler();
    s.addPeer('a', info.length);
    s.next();
    expect(s.received('a', 0, info.length + 1, piece(0))).toEqual({ liars: ['a'] });
    expect(s.received('a', 0, info.length, piece(0).subarray(1))).toEqual({ liars: ['a'] });
  });
});
