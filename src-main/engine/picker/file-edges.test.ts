import { describe, expect, it } from 'vitest';
import { fileEdgePieces } from './file-edges';

describe('fileEdgePieces', () => {
  it('gives the first and last piece of each real file', () => {
    const files = [
      { path: ['a'], length: 100, offset: 0, pad: false },
      { path: ['.pad', '1'], length: 156, offset: 100, pad: true },
      { path: ['b'], length: 1000, offset: 256, pad: false },
      { path: ['empty'], length: 0, offset: 1256, pad: false },
      { path: ['c'], length: 10, offset: 1256, pad: false },
    ];
    expect(fileEdgePieces(files, 256)).toEqual([0, 1, 4]);
  });
});
