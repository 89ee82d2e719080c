import { describe, expect, it } from 'vitest';
import { fileSpans, planRuns } from './range-plan';

const files = [
  { path: ['a'], length: 40_000, offset: 0, pad: false },
  { path: ['pad'], length: 9_152, offset: 40_000, pad: true },
  { path: ['b'], length: 100_000, offset: 49_152, pad: false },
];
const PIECE = 32_768;

describe('planRuns', () => {
  it('joins adjacent blocks across pieces into one run, whatever order they were picked in', () => {
    const runs = planRuns(
      [
        { index: 1, begin: 16_384, length: 16_384 },
        { index: 1, begin: 0, length: 16_384 },
        { index: 2, begin: 0, length: 16_384 },
      ],
      PIECE,
      files,
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ start: 32_768, length: 49_152 });
    expect(runs[0]!.blocks.map((b) => [b.index, b.begin])).toEqual([[1, 0], [1, 16_384], [2, 0]]);
    // Piece 1 crosses a, the pad file and b: one ranged request per real file, pad bytes made here.
    expect(runs[0]!.spans).toEqual([
      { file: 0, offset: 32_768, length: 7_232, pad: false },
      { file: 1, offset: 0, length: 9_152, pad: true },
      { file: 2, offset: 0, length: 32_768, pad: false },
    ]);
  });

  it('splits at gaps', () => {
    const runs = planRuns([{ index: 0, begin: 0, length: 16_384 }, { index: 3, begin: 0, length: 16_384 }], PIECE, files);
    expect(runs.map((r) => [r.start, r.length])).toEqual([[0, 16_384], [98_304, 16_384]]);
  });
});

describe('fileSpans', () => {
  it('refuses bytes beyond the files', () => {
    expect(() => fileSpans(149_000, 1_000, files)).toThrow(/outside the torrent's files/);
  });

  it('skips empty files', () => {
    const withEmpty = [{ path: ['e'], length: 0, offset: 0, pad: false }, { path: ['f'], length: 10, offset: 0, pad: false }];
    expect(fileSpans(0, 10, withEmpty)).toEqual([{ file: 1, offset: 0, length: 10, pad: false }]);
  });
});
