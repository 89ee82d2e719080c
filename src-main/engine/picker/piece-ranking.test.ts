import { describe, expect, it } from 'vitest';
import { PieceRanking } from './piece-ranking';

const seed = { bits: null, sparse: null };

describe('PieceRanking without candidates', () => {
  it('ranks a piece again once it goes missing after every piece was had', () => {
    const ranking = new PieceRanking(8, () => 1, Math.random);
    for (let i = 0; i < 8; i++) ranking.markHave(i);
    expect(ranking.candidates).toBe(0);
    expect(ranking.topRank()).toBe(0);
    expect(ranking.pickFresh(seed, false, false)).toBe(-1);
    ranking.markMissing(5);
    expect(ranking.candidates).toBe(1);
    expect(ranking.pickFresh(seed, false, false)).toBe(5);
    expect(ranking.pickFresh(seed, false, true)).toBe(5);
    ranking.markStarted(5);
    expect(ranking.candidates).toBe(0);
  });

  it('gets candidates back from new priorities and boosts, skipped pieces staying out', () => {
    const ranking = new PieceRanking(4, () => 0, Math.random);
    ranking.setPriorities([0, 0, 0, 0]);
    expect(ranking.candidates).toBe(0);
    ranking.setPriorities([0, 0, 1, 0]);
    expect(ranking.candidates).toBe(1);
    expect(ranking.pickFresh({ bits: null, sparse: [1, 2] }, false, false)).toBe(2);
    ranking.markHave(2);
    ranking.setPriorities([0, 0, 1, 3]);
    expect(ranking.candidates).toBe(1);
    expect(ranking.topRank()).toBe(3);
    expect(ranking.pickFresh(seed, true, false)).toBe(3);
  });
});
