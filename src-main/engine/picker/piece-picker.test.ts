import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src-shared/bitfield';
import { BLOCK_SIZE, PiecePicker, type BlockRequest, type PiecePickerOptions } from './piece-picker';

const KIB = 1024;

/** Deterministic random numbers, so failures reproduce. */
function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

function picker(options: Partial<PiecePickerOptions> & { pieceCount: number }, seed = 1): PiecePicker<string> {
  return new PiecePicker<string>({ pieceLength: 16 * KIB, lastPieceLength: 16 * KIB, randomFirstPieces: 0, random: seeded(seed), ...options });
}

/** Changes some pieces' priorities the way the engine does: every piece's at once, the rest kept. */
function prioritize(p: PiecePicker<string>, changes: Record<number, number>): void {
  p.setPriorities(Array.from({ length: p.pieceCount }, (_, i) => changes[i] ?? p.priority(i)));
}

function bits(size: number, pieces: number[]): Bitfield {
  const b = new Bitfield(size);
  for (const i of pieces) b.set(i);
  return b;
}

/** Receives every block of the requests from `peer`; verifies pieces that complete. */
function deliver(p: PiecePicker<string>, peer: string, reqs: BlockRequest[]): number[] {
  const done: number[] = [];
  for (const r of reqs) {
    const res = p.blockReceived(peer, r.index, r.begin, r.length);
    if (res.pieceComplete) {
      p.pieceVerified(r.index);
      done.push(r.index);
    }
  }
  return done;
}

describe('PiecePicker blocks', () => {
  it('splits pieces into 16 KiB blocks, the last block of the last piece shorter', () => {
    const p = picker({ pieceCount: 3, pieceLength: 40 * KIB, lastPieceLength: 20 * KIB });
    p.peerHaveAll('a');
    const reqs = p.pick('a', 100);
    expect(reqs).toHaveLength(3 + 3 + 2);
    const byPiece = (i: number) => reqs.filter((r) => r.index === i).map((r) => [r.begin, r.length]);
    expect(byPiece(0)).toEqual([
      [0, BLOCK_SIZE],
      [BLOCK_SIZE, BLOCK_SIZE],
      [2 * BLOCK_SIZE, 8 * KIB],
    ]);
    expect(byPiece(2)).toEqual([
      [0, BLOCK_SIZE],
      [BLOCK_SIZE, 4 * KIB],
    ]);
    expect(p.pick('a', 10)).toEqual([]); // everything requested, nobody else to duplicate from
  });

  it('accepts only blocks that fit a started piece, once', () => {
    const p = picker({ pieceCount: 2, pieceLength: 32 * KIB, lastPieceLength: 32 * KIB });
    p.peerHaveAll('a');
    const [r] = p.pick('a', 1);
    expect(p.blockReceived('a', r!.index, r!.begin, r!.length - 1).wanted).toBe(false);
    expect(p.blockReceived('a', r!.index, r!.begin + 1, r!.length).wanted).toBe(false);
    expect(p.blockReceived('a', 1 - r!.index, 0, BLOCK_SIZE).wanted).toBe(false); // not started
    const first = p.blockReceived('a', r!.index, r!.begin, r!.length);
    expect(first).toEqual({ wanted: true, cancels: [], pieceComplete: false });
    expect(p.blockReceived('a', r!.index, r!.begin, r!.length).wanted).toBe(false);
  });
});

describe('PiecePicker strategy', () => {
  it('picks rarest first once past the random start', () => {
    const p = picker({ pieceCount: 6 });
    // availability: piece i is held by i+1 peers among a..f, except piece 5 (only the seed-ish 'f' set)
    const owners: Record<string, number[]> = { a: [0, 1, 2, 3, 4], b: [1, 2, 3, 4], c: [2, 3, 4], d: [3, 4, 5], e: [4, 5] };
    for (const [peer, pieces] of Object.entries(owners)) p.peerBitfield(peer, bits(6, pieces));
    expect([0, 1, 2, 3, 4, 5].map((i) => p.availability(i))).toEqual([1, 2, 3, 4, 5, 2]);
    p.peerHaveAll('s');
    const order = p.pick('s', 6).map((r) => r.index);
    expect(order[0]).toBe(0);
    expect(new Set(order.slice(1, 3))).toEqual(new Set([1, 5]));
    expect(order.slice(3)).toEqual([2, 3, 4]);
  });

  it('finds the rarest piece for peers with few pieces and with many', () => {
    const n = 5000;
    const all = Array.from({ length: n }, (_, i) => i);
    const p = picker({ pieceCount: n });
    p.peerBitfield('common', bits(n, all.filter((i) => i !== 20 && i !== 4000)));
    p.peerBitfield('few', bits(n, [10, 20, 30]));
    p.peerBitfield('many', bits(n, all.filter((i) => i % 5 !== 1)));
    expect(p.pick('few', 1)[0]!.index).toBe(20);
    expect(p.pick('many', 1)[0]!.index).toBe(4000);
    // The next rarest for 'few' are 10 and 30 (two peers each), never pieces it lacks.
    expect(new Set(p.pick('few', 2).map((r) => r.index))).toEqual(new Set([10, 30]));
    expect(p.pick('few', 1)).toEqual([]);
  });

  it('breaks rarity ties at random', () => {
    const firsts = new Set<number>();
    for (let seed = 1; seed <= 30; seed++) {
      const p = picker({ pieceCount: 20 }, seed);
      p.peerHaveAll('s');
      firsts.add(p.pick('s', 1)[0]!.index);
    }
    expect(firsts.size).toBeGreaterThan(5);
  });

  it('picks the first pieces at random, not by rarity, then switches to rarest first', () => {
    const firsts = new Set<number>();
    for (let seed = 1; seed <= 30; seed++) {
      const p = picker({ pieceCount: 20, randomFirstPieces: 1 }, seed);
      const allBut7 = Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 7);
      p.peerBitfield('x', bits(20, allBut7));
      p.peerBitfield('y', bits(20, allBut7));
      p.peerHaveAll('s');
      const [r] = p.pick('s', 1);
      firsts.add(r!.index);
      deliver(p, 's', [r!]);
      if (r!.index !== 7) expect(p.pick('s', 1)[0]!.index).toBe(7); // one piece done: rarest now
    }
    expect(firsts.size).toBeGreaterThan(5);
  });

  it('finishes started pieces before starting new ones', () => {
    const p = picker({ pieceCount: 10, pieceLength: 64 * KIB, lastPieceLength: 64 * KIB });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const [first] = p.pick('a', 1);
    const fromB = p.pick('b', 3);
    expect(fromB.map((r) => r.index)).toEqual([first!.index, first!.index, first!.index]);
    expect(p.pick('b', 1)[0]!.index).not.toBe(first!.index);
  });

  it('never requests a piece the peer does not have', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 1000 }), (has, seed) => {
        const n = has.length;
        const p = picker({ pieceCount: n, randomFirstPieces: 2 }, seed);
        const peerBits = bits(n, has.flatMap((h, i) => (h ? [i] : [])));
        p.peerBitfield('x', peerBits);
        p.peerHaveAll('s');
        p.pick('s', Math.floor(n / 2)); // another peer takes some pieces first
        const reqs = p.pick('x', n);
        for (const r of reqs) expect(peerBits.has(r.index)).toBe(true);
        expect(new Set(reqs.map((r) => r.index)).size).toBe(reqs.length);
      }),
      { numRuns: 200 },
    );
  });

  it('picks only among the given pieces the peer has (allowed fast, suggestions)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 80 }), fc.array(fc.integer({ min: -2, max: 90 }), { maxLength: 12 }), (has, among) => {
        const n = has.length;
        const p = picker({ pieceCount: n });
        const peerBits = bits(n, has.flatMap((h, i) => (h ? [i] : [])));
        p.peerBitfield('x', peerBits);
        const reqs = p.pick('x', n, Date.now(), among);
        for (const r of reqs) expect(among.includes(r.index) && peerBits.has(r.index)).toBe(true);
        const expected = new Set(among.filter((i) => i >= 0 && i < n && peerBits.has(i)));
        expect(new Set(reqs.map((r) => r.index))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('never picks a piece of priority 0, and picks higher priority first', () => {
    const p = picker({ pieceCount: 8 });
    p.peerHaveAll('s');
    prioritize(p, { 0: 0, 1: 0, 6: 3, 7: 2 });
    expect(p.wants(0)).toBe(false);
    const order = p.pick('s', 100).map((r) => r.index);
    expect(order.slice(0, 2)).toEqual([6, 7]);
    expect(order).not.toContain(0);
    expect(order).not.toContain(1);
    expect(order).toHaveLength(6);
    prioritize(p, { 1: 1 }); // wanted again
    expect(p.pick('s', 100).map((r) => r.index)).toEqual([1]);
  });

  it('sets all priorities at once: higher first, none of priority 0', () => {
    const n = 2000;
    const prios = Uint8Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : i % 5 === 0 ? 3 : 1));
    const p = picker({ pieceCount: n });
    p.peerBitfield('x', bits(n, Array.from({ length: n / 2 }, (_, i) => i * 2)));
    p.peerHaveAll('s');
    p.setPriorities(prios);
    const picked = p.pick('s', n).map((r) => r.index);
    const third = picked.findIndex((i) => prios[i] !== 3);
    expect(third).toBe(prios.filter((v) => v === 3).length); // all priority-3 pieces first
    expect(picked.every((i) => prios[i]! > 0)).toBe(true);
    expect(new Set(picked).size).toBe(prios.filter((v) => v > 0).length);
    expect(p.isInteresting('x')).toBe(true);
    expect(() => p.setPriorities(new Uint8Array(3))).toThrow(/one priority per piece/);
  });

  it('puts boosted (first and last) pieces before everything else', () => {
    const p = picker({ pieceCount: 10 });
    p.peerHaveAll('s');
    prioritize(p, { 4: 7 });
    p.setBoosted([0, 9]);
    const order = p.pick('s', 3).map((r) => r.index);
    expect(new Set(order.slice(0, 2))).toEqual(new Set([0, 9]));
    expect(order[2]).toBe(4);
  });

  it('still puts boosted and higher-priority pieces first in sequential mode', () => {
    const p = picker({ pieceCount: 10 });
    p.sequential = true;
    p.peerHaveAll('s');
    p.setBoosted([9]);
    prioritize(p, { 6: 3, 5: 3, 2: 0 });
    expect(p.pick('s', 6).map((r) => r.index)).toEqual([9, 5, 6, 0, 1, 3]);
  });

  it('goes in piece order in sequential mode', () => {
    const p = picker({ pieceCount: 10, randomFirstPieces: 4 });
    p.sequential = true;
    p.peerBitfield('x', bits(10, [2, 3, 5, 8]));
    p.peerHaveAll('s');
    expect(p.pick('x', 3).map((r) => r.index)).toEqual([2, 3, 5]);
    expect(p.pick('s', 3).map((r) => r.index)).toEqual([0, 1, 4]);
    p.peerGone('x'); // its pieces go back, and come first again
    expect(p.pick('s', 2).map((r) => r.index)).toEqual([2, 3]);
  });
});

describe('PiecePicker bookkeeping', () => {
  it('duplicates outstanding blocks in endgame and reports the cancels', () => {
    const p = picker({ pieceCount: 2, pieceLength: 32 * KIB, lastPieceLength: 32 * KIB });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const fromA = p.pick('a', 10);
    expect(fromA).toHaveLength(4);
    expect(p.inEndgame).toBe(true);
    const fromB = p.pick('b', 10);
    expect(fromB.map((r) => `${r.index}:${r.begin}`).sort()).toEqual(fromA.map((r) => `${r.index}:${r.begin}`).sort());
    expect(p.pick('b', 10)).toEqual([]); // never the same block twice to one peer
    const r = fromA[0]!;
    const got = p.blockReceived('b', r.index, r.begin, r.length);
    expect(got.wanted).toBe(true);
    expect(got.cancels).toEqual([{ peer: 'a', block: r }]);
    expect(p.outstanding('a')).toBe(3);
    expect(p.outstanding('b')).toBe(3);
    expect(p.blockReceived('a', r.index, r.begin, r.length).wanted).toBe(false); // late duplicate
  });

  it('limits endgame requesters per block', () => {
    const p = picker({ pieceCount: 1, endgameRequesters: 2 });
    for (const peer of ['a', 'b', 'c']) p.peerHaveAll(peer);
    expect(p.pick('a', 5)).toHaveLength(1);
    expect(p.pick('b', 5)).toHaveLength(1);
    expect(p.pick('c', 5)).toHaveLength(0);
  });

  it('returns a failed piece blocks to the pool and names its contributors', () => {
    const p = picker({ pieceCount: 1, pieceLength: 48 * KIB, lastPieceLength: 48 * KIB });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const fromA = p.pick('a', 2);
    const fromB = p.pick('b', 5);
    expect(fromB).toHaveLength(1 + 2); // the last block, then endgame duplicates of a's two
    deliver(p, 'a', fromA);
    const last = p.blockReceived('b', fromB[0]!.index, fromB[0]!.begin, fromB[0]!.length);
    expect(last.pieceComplete).toBe(true);
    expect(p.blockSenders(0)).toEqual(['a', 'a', 'b']);
    p.pieceFailed(0);
    expect(p.blockSenders(0)).toEqual([]);
    expect(p.wants(0)).toBe(true);
    expect(p.have.has(0)).toBe(false);
    expect(p.pick('b', 5)).toHaveLength(3);
  });

  it('asks again for a block whose write failed, even when it completed the piece', () => {
    const p = picker({ pieceCount: 1, pieceLength: 32 * KIB, lastPieceLength: 32 * KIB });
    p.peerHaveAll('a');
    const reqs = p.pick('a', 2);
    expect(deliver(p, 'a', reqs.slice(0, 1))).toEqual([]);
    expect(p.blockReceived('a', 0, BLOCK_SIZE, BLOCK_SIZE).pieceComplete).toBe(true);
    expect(p.pick('a', 2)).toEqual([]);
    p.blockNotWritten(0, BLOCK_SIZE);
    expect(p.wants(0)).toBe(true);
    expect(p.blockSenders(0)).toEqual(['a', undefined]);
    expect(p.pick('a', 2)).toEqual([{ index: 0, begin: BLOCK_SIZE, length: BLOCK_SIZE }]);
    // The other block's write failed too: it is asked for again as well.
    p.blockNotWritten(0, 0);
    expect(p.pick('a', 2)).toEqual([{ index: 0, begin: 0, length: BLOCK_SIZE }]);
  });

  it('gives a departed peer requests to others and forgets its pieces', () => {
    const p = picker({ pieceCount: 4, pieceLength: 32 * KIB, lastPieceLength: 32 * KIB });
    p.peerBitfield('a', bits(4, [0, 1]));
    p.peerBitfield('b', bits(4, [0, 1, 2]));
    const fromA = p.pick('a', 4);
    expect(fromA).toHaveLength(4);
    expect(p.pick('b', 10).map((r) => r.index)).toEqual([2, 2]);
    p.peerGone('a');
    expect([0, 1, 2, 3].map((i) => p.availability(i))).toEqual([1, 1, 1, 0]);
    expect(p.outstanding('a')).toBe(0);
    expect(p.pick('b', 10)).toHaveLength(4);
  });

  it('puts rejected and timed-out requests back for another peer', () => {
    const p = picker({ pieceCount: 1, pieceLength: 32 * KIB, lastPieceLength: 32 * KIB });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const [r1, r2] = p.pick('a', 2);
    p.rejected('a', r1!);
    p.requestTimedOut('a', r2!);
    expect(p.outstanding('a')).toBe(0);
    expect(p.inEndgame).toBe(false);
    expect(p.pick('b', 5)).toEqual([r1, r2]);
    // a sends r1 anyway: welcome, and b's copy gets cancelled
    expect(p.blockReceived('a', r1!.index, r1!.begin, r1!.length).cancels).toEqual([{ peer: 'b', block: r1 }]);
  });

  it('discards a block nobody asked that peer for, leaving the honest request in place', () => {
    const p = picker({ pieceCount: 2, pieceLength: 32 * KIB, lastPieceLength: 32 * KIB });
    p.peerHaveAll('honest');
    p.peerHaveAll('hostile');
    const asked = p.pick('honest', 2);
    const piece = asked[0]!.index;
    // The hostile peer sends the block the honest one was asked for, and one nobody was asked for.
    for (const begin of [0, BLOCK_SIZE]) {
      expect(p.blockReceived('hostile', piece, begin, BLOCK_SIZE)).toEqual({ wanted: false, cancels: [], pieceComplete: false });
    }
    expect(p.outstanding('honest')).toBe(2);
    expect(p.pick('honest', 2)).toHaveLength(2); // the other piece: nothing of this one went back to the pool
    expect(deliver(p, 'honest', asked)).toEqual([piece]);
  });

  it('ignores rejects and timeouts for blocks that were never requested or do not exist', () => {
    const p = picker({ pieceCount: 2, pieceLength: 32 * KIB, lastPieceLength: 32 * KIB });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const fromA = p.pick('a', 3); // piece x fully, one block of piece y
    const y = fromA[2]!.index;
    // begin 2 blocks past piece 0 would alias piece 1 block 0 in a naive key
    p.rejected('a', { index: 1 - y, begin: 2 * BLOCK_SIZE, length: BLOCK_SIZE });
    p.rejected('a', { index: 0, begin: 100, length: BLOCK_SIZE });
    p.rejected('a', { index: 99, begin: 0, length: BLOCK_SIZE });
    p.requestTimedOut('b', fromA[0]!);
    expect(p.outstanding('a')).toBe(3);
    expect(p.pick('b', 5)).toEqual([{ index: y, begin: BLOCK_SIZE, length: BLOCK_SIZE }, ...fromA]);
  });

  it('snubs a silent peer: its requests go to others and it gets one request at a time', () => {
    const p = picker({ pieceCount: 4 });
    p.peerHaveAll('slow');
    p.peerHaveAll('fast');
    const t0 = 1_000_000;
    const fromSlow = p.pick('slow', 3, t0);
    expect(p.stalledPeers(t0 + 59_000)).toEqual([]);
    expect(p.stalledPeers(t0 + 60_000)).toEqual(['slow']);
    expect(p.snubbed('slow')).toEqual(fromSlow);
    expect(p.isSnubbed('slow')).toBe(true);
    expect(p.stalledPeers(t0 + 120_000)).toEqual([]);
    expect(p.pick('fast', 10).map((r) => r.index).sort()).toEqual([0, 1, 2, 3]);
    p.requestTimedOut('fast', { index: 3, begin: 0, length: BLOCK_SIZE });
    const [single] = p.pick('slow', 10, t0 + 61_000);
    expect(single).toEqual({ index: 3, begin: 0, length: BLOCK_SIZE });
    expect(p.pick('slow', 10, t0 + 61_000)).toHaveLength(0);
    // Its one request also goes unanswered: it goes back again.
    expect(p.stalledPeers(t0 + 100_000)).toEqual([]);
    expect(p.stalledPeers(t0 + 121_000)).toEqual(['slow']);
    expect(p.snubbed('slow')).toEqual([single]);
    expect(p.pick('slow', 10, t0 + 122_000)).toEqual([single]);
    // It delivers: no longer snubbed, full pipeline again.
    p.blockReceived('slow', 3, 0, BLOCK_SIZE, t0 + 123_000);
    expect(p.isSnubbed('slow')).toBe(false);
  });

  it('knows whether a peer has anything we still want', () => {
    const n = 1000;
    const p = picker({ pieceCount: n });
    const evens = Array.from({ length: n / 2 }, (_, i) => 2 * i);
    p.peerBitfield('big', bits(n, evens));
    p.peerBitfield('small', bits(n, [1, 3]));
    p.peerHaveAll('seed');
    expect(p.isInteresting('big') && p.isInteresting('small') && p.isInteresting('seed')).toBe(true);
    for (const i of evens.slice(1)) p.pieceVerified(i);
    expect(p.isInteresting('big')).toBe(true); // piece 0 is still missing
    prioritize(p, { 0: 0 });
    expect(p.isInteresting('big')).toBe(false);
    prioritize(p, { 0: 1 });
    const [r] = p.pick('big', 1);
    expect(p.isInteresting('big')).toBe(true); // started, not complete
    p.blockReceived('big', r!.index, r!.begin, r!.length);
    expect(p.isInteresting('big')).toBe(false); // complete, waiting for its hash check
    p.pieceFailed(0);
    expect(p.isInteresting('big')).toBe(true);
    p.pieceVerified(1);
    p.pieceVerified(3);
    expect(p.isInteresting('small')).toBe(false);
  });

  it("reports distributed copies and each piece's availability", () => {
    const p = picker({ pieceCount: 4 });
    expect(p.distributedCopies()).toBe(0);
    p.peerHaveAll('s');
    p.peerBitfield('x', bits(4, [0, 1, 2]));
    p.peerBitfield('y', bits(4, [0]));
    expect([0, 1, 2, 3].map((i) => p.availability(i))).toEqual([3, 2, 2, 1]);
    expect(p.distributedCopies()).toBe(1 + 3 / 4);
    p.peerGone('s');
    expect(p.distributedCopies()).toBe(0.75);
  });

  it('keeps availability exact through joins, haves, bitfields and departures', () => {
    const n = 37;
    const op = fc.oneof(
      fc.record({ k: fc.constant('bitfield' as const), peer: fc.nat(5), pieces: fc.array(fc.nat(n - 1)) }),
      fc.record({ k: fc.constant('have' as const), peer: fc.nat(5), piece: fc.nat(n - 1) }),
      fc.record({ k: fc.constant('all' as const), peer: fc.nat(5) }),
      fc.record({ k: fc.constant('none' as const), peer: fc.nat(5) }),
      fc.record({ k: fc.constant('gone' as const), peer: fc.nat(5) }),
      fc.record({ k: fc.constant('pick' as const), peer: fc.nat(5), max: fc.nat(5) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const p = picker({ pieceCount: n });
        const model = new Map<string, Set<number>>();
        for (const o of ops) {
          const peer = `p${o.peer}`;
          if (o.k === 'bitfield') {
            p.peerBitfield(peer, bits(n, o.pieces));
            model.set(peer, new Set(o.pieces));
          } else if (o.k === 'have') {
            p.peerHave(peer, o.piece);
            model.set(peer, (model.get(peer) ?? new Set()).add(o.piece));
          } else if (o.k === 'all') {
            p.peerHaveAll(peer);
            model.set(peer, new Set(Array.from({ length: n }, (_, i) => i)));
          } else if (o.k === 'none') {
            p.peerHaveNone(peer);
            model.set(peer, new Set());
          } else if (o.k === 'gone') {
            p.peerGone(peer);
            model.delete(peer);
          } else {
            for (const r of p.pick(peer, o.max)) expect(model.get(peer)?.has(r.index)).toBe(true);
          }
        }
        for (let i = 0; i < n; i++) {
          expect(p.availability(i)).toBe([...model.values()].filter((s) => s.has(i)).length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('downloads a whole torrent from a mixed swarm with every piece exactly once', () => {
    const n = 300;
    const p = picker({ pieceCount: n, pieceLength: 64 * KIB, lastPieceLength: 10 * KIB, randomFirstPieces: 4 }, 7);
    const rnd = seeded(99);
    const peers = ['s1', 's2', 'h1', 'h2', 'h3'];
    p.peerHaveAll('s1');
    p.peerHaveAll('s2');
    for (const h of ['h1', 'h2', 'h3']) p.peerBitfield(h, bits(n, Array.from({ length: n }, (_, i) => i).filter(() => rnd() < 0.5)));
    const verified: number[] = [];
    for (let round = 0; round < 10_000 && p.have.count < n; round++) {
      const peer = peers[round % peers.length]!;
      const reqs = p.pick(peer, 1 + Math.floor(rnd() * 8));
      // Deliver some, lose the rest to timeouts.
      for (const r of reqs) {
        if (rnd() < 0.8) {
          const res = p.blockReceived(peer, r.index, r.begin, r.length);
          if (res.pieceComplete) {
            p.pieceVerified(r.index);
            verified.push(r.index);
          }
        } else {
          p.requestTimedOut(peer, r);
        }
      }
    }
    expect(p.have.count).toBe(n);
    expect(new Set(verified).size).toBe(n);
    expect(verified).toHaveLength(n);
    expect(p.wantedRemaining).toBe(0);
    expect(p.isInteresting('s1')).toBe(false);
  });

  it('stays fast with 100,000 pieces and 40 peers', { timeout: 60_000 }, () => {
    const n = 100_000;
    const started = performance.now();
    const p = new PiecePicker<number>({ pieceCount: n, pieceLength: 32 * KIB, lastPieceLength: 32 * KIB, random: seeded(3) });
    const rnd = seeded(5);
    const peers = Array.from({ length: 40 }, (_, i) => i);
    for (const peer of peers) {
      if (peer < 20) p.peerHaveAll(peer);
      else p.peerBitfield(peer, bits(n, Array.from({ length: n }, (_, i) => i).filter(() => rnd() < 0.6)));
    }
    let blocks = 0;
    while (p.have.count < n) {
      for (const peer of peers) {
        for (const r of p.pick(peer, 16)) {
          blocks++;
          const res = p.blockReceived(peer, r.index, r.begin, r.length);
          for (const c of res.cancels) expect(c.peer).not.toBe(peer);
          if (res.pieceComplete) p.pieceVerified(r.index);
        }
      }
      if (p.have.count % 10_000 === 0) {
        // peers come and go
        p.peerGone(39);
        p.peerBitfield(39, bits(n, [1, 2, 3]));
      }
    }
    const seconds = (performance.now() - started) / 1000;
    expect(blocks).toBeGreaterThanOrEqual(2 * n);
    // About 1 s on a laptop; a generous bound for a shared CI machine.
    expect(seconds).toBeLessThan(20);
  });
});

describe('PiecePicker.resetTo (recheck)', () => {
  it('wants again the pieces that no longer verify and keeps the others', () => {
    const p = picker({ pieceCount: 4 });
    for (let i = 0; i < 4; i++) p.pieceVerified(i);
    expect(p.wantedRemaining).toBe(0);
    p.resetTo(bits(4, [0, 1, 3]));
    expect(p.have.has(2)).toBe(false);
    expect(p.have.count).toBe(3);
    expect(p.wantedRemaining).toBe(1);
    expect(p.wants(2)).toBe(true);
    p.peerHaveAll('a');
    expect(p.pick('a', 10).map((r) => r.index)).toEqual([2]);
    expect(p.isInteresting('a')).toBe(true);
  });

  it('takes in pieces found on disk and starts pieces in progress over', () => {
    const p = picker({ pieceCount: 3, pieceLength: 32 * KIB, lastPieceLength: 32 * KIB });
    p.peerHaveAll('a');
    const first = p.pick('a', 1)[0]!;
    p.blockReceived('a', first.index, first.begin, first.length);
    p.resetTo(bits(3, [1]));
    expect(p.outstanding('a')).toBe(0);
    expect(p.have.has(1)).toBe(true);
    expect(p.wantedRemaining).toBe(2);
    // Every block of the two missing pieces is asked for again, the one received before included.
    const again = p.pick('a', 10);
    expect(again.map((r) => `${r.index}:${r.begin}`).sort()).toEqual(['0:0', '0:16384', '2:0', '2:16384']);
  });

  it('leaves a lost piece of a skipped file unwanted', () => {
    const p = picker({ pieceCount: 2 });
    p.pieceVerified(0);
    p.pieceVerified(1);
    prioritize(p, { 1: 0 });
    p.resetTo(bits(2, [0]));
    expect(p.have.has(1)).toBe(false);
    expect(p.wants(1)).toBe(false);
    expect(p.wantedRemaining).toBe(0);
  });

  it('refuses a bitfield of another size', () => {
    expect(() => picker({ pieceCount: 2 }).resetTo(bits(3, []))).toThrow(RangeError);
  });
});
