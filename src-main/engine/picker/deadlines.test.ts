import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src-shared/bitfield';
import { PiecePicker, type BlockRequest } from './piece-picker';

const KIB = 1024;
const NOW = 1_000_000;

function picker(rates: Record<string, number> = {}): PiecePicker<string> {
  // 32 KiB pieces: two blocks each.
  return new PiecePicker<string>({ pieceCount: 20, pieceLength: 32 * KIB, lastPieceLength: 32 * KIB, randomFirstPieces: 0, random: () => 0.5, rateOf: (peer) => rates[peer] ?? 0 });
}

function allBut(size: number, missing: number[]): Bitfield {
  const b = new Bitfield(size);
  b.setAll();
  for (const i of missing) b.clear(i);
  return b;
}

const pieces = (reqs: BlockRequest[]): number[] => [...new Set(reqs.map((r) => r.index))];

describe('PiecePicker deadlines (streaming)', () => {
  it('asks for pieces with deadlines first, earliest first, then goes on rarest first', () => {
    const p = picker();
    p.peerBitfield('a', allBut(20, []));
    p.peerBitfield('b', allBut(20, [7]));
    p.setDeadlines([
      { index: 12, deadline: NOW + 2000 },
      { index: 10, deadline: NOW + 1000 },
    ]);
    const reqs = p.pick('a', 6, NOW);
    expect(reqs.map((r) => [r.index, r.begin])).toEqual([
      [10, 0],
      [10, 16 * KIB],
      [12, 0],
      [12, 16 * KIB],
      // Piece 7 is the rarest: only peer a has it.
      [7, 0],
      [7, 16 * KIB],
    ]);
  });

  it('gives pieces with deadlines to the fastest peers; a much slower one gets other pieces', () => {
    const p = picker({ fast: 1_000_000, slow: 100_000 });
    p.peerHaveAll('fast');
    p.peerHaveAll('slow');
    p.setDeadlines([{ index: 4, deadline: NOW + 5000 }]);
    const slowReqs = p.pick('slow', 4, NOW);
    expect(slowReqs).toHaveLength(4);
    expect(pieces(slowReqs)).not.toContain(4);
    expect(pieces(p.pick('fast', 2, NOW))).toEqual([4]);
  });

  it('asks a second peer for the blocks of a piece past its deadline (the window endgame), not before', () => {
    const p = picker({ a: 500_000, b: 500_000 });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    p.setDeadlines([{ index: 3, deadline: NOW + 1000 }]);
    expect(pieces(p.pick('a', 2, NOW))).toEqual([3]);
    // In time: b gets other pieces.
    expect(pieces(p.pick('b', 2, NOW))).not.toContain(3);
    // Late: b is asked for piece 3's blocks as well, and whichever arrives first cancels the other.
    const dups = p.pick('b', 2, NOW + 1500);
    expect(dups.map((r) => [r.index, r.begin])).toEqual([
      [3, 0],
      [3, 16 * KIB],
    ]);
    const got = p.blockReceived('b', 3, 0, 16 * KIB, NOW + 1600);
    expect(got.cancels).toEqual([{ peer: 'a', block: { index: 3, begin: 0, length: 16 * KIB } }]);
  });

  it('a seek moves the window at once: requests for pieces that left it are cancelled and go back to the pool', () => {
    const p = picker();
    p.peerHaveAll('a');
    p.setDeadlines([{ index: 1, deadline: NOW }, { index: 2, deadline: NOW + 500 }]);
    expect(pieces(p.pick('a', 4, NOW))).toEqual([1, 2]);
    const cancels = p.setDeadlines([{ index: 2, deadline: NOW + 500 }, { index: 15, deadline: NOW + 600 }]);
    expect(cancels.map((c) => [c.peer, c.block.index, c.block.begin])).toEqual([
      ['a', 1, 0],
      ['a', 1, 16 * KIB],
    ]);
    expect(p.outstanding('a')).toBe(2);
    // The new window's piece comes first now; piece 1 is a piece like any other again.
    expect(pieces(p.pick('a', 2, NOW))).toEqual([15]);
    // Its blocks are asked for again later, like any other piece's.
    expect(p.pick('a', 40, NOW).filter((r) => r.index === 1)).toHaveLength(2);
  });

  it('a verified piece leaves the window; skipped pieces are never asked for', () => {
    const p = picker();
    p.peerHaveAll('a');
    p.setPriorities(Array.from({ length: 20 }, (_, i) => (i === 6 ? 0 : 1)));
    p.setDeadlines([{ index: 6, deadline: NOW }, { index: 5, deadline: NOW + 1 }]);
    const reqs = p.pick('a', 2, NOW);
    expect(pieces(reqs)).toEqual([5]);
    for (const r of reqs) p.blockReceived('a', r.index, r.begin, r.length, NOW);
    p.pieceVerified(5);
    expect(p.deadlineOf(5)).toBeUndefined();
    expect(p.deadlineOf(6)).toBe(NOW);
  });

  it('while a stream waits, offered pieces (allowed fast, suggested) are asked for only if the stream needs them', () => {
    const p = picker();
    p.peerHaveAll('a');
    expect(pieces(p.pick('a', 4, NOW, [7, 9]))).toEqual([7, 9]);
    p.dropRequests('a');
    p.setDeadlines([{ index: 9, deadline: NOW }, { index: 15, deadline: NOW }]);
    expect(pieces(p.pick('a', 4, NOW, [7, 9]))).toEqual([9]);
  });

  it('preempt takes every request back, to be asked again earliest deadline first', () => {
    const p = picker();
    p.peerHaveAll('a');
    const before = p.pick('a', 6, NOW);
    p.setDeadlines([{ index: 18, deadline: NOW }]);
    const cancels = p.preempt();
    expect(cancels.map((c) => `${c.peer}:${c.block.index}/${c.block.begin}`).sort()).toEqual(before.map((r) => `a:${r.index}/${r.begin}`).sort());
    expect(p.outstanding('a')).toBe(0);
    expect(p.pick('a', 1, NOW)[0]!.index).toBe(18);
    expect(p.deadlineCount).toBe(1);
  });
});
