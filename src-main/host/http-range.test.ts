import { describe, expect, it } from 'vitest';
import { parseRange } from './http-range';

describe('parseRange (RFC 9110)', () => {
  const len = 1000;

  it('takes a closed, an open-ended and a suffix range, clamped to the end', () => {
    expect(parseRange('bytes=0-99', len)).toEqual({ kind: 'range', start: 0, end: 99 });
    expect(parseRange('bytes=900-', len)).toEqual({ kind: 'range', start: 900, end: 999 });
    expect(parseRange('bytes=-100', len)).toEqual({ kind: 'range', start: 900, end: 999 });
    expect(parseRange('bytes=990-5000', len)).toEqual({ kind: 'range', start: 990, end: 999 });
    expect(parseRange('bytes=-5000', len)).toEqual({ kind: 'range', start: 0, end: 999 });
    expect(parseRange('BYTES = 5 - 5 ', len)).toEqual({ kind: 'range', start: 5, end: 5 });
    expect(parseRange('bytes=999999999999999999999-', len)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-999999999999999999999', len)).toEqual({ kind: 'range', start: 0, end: 999 });
  });

  it('cannot satisfy a range past the end, an empty suffix, or any range of an empty file', () => {
    expect(parseRange('bytes=1000-', len)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=5000-6000', len)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', len)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-10', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('ignores what it does not take: no header, another unit, malformed or backwards ranges, several ranges', () => {
    for (const header of [undefined, 'items=0-5', 'bytes=', 'bytes=-', 'bytes=abc', 'bytes=5-1', 'bytes=0x10-', 'bytes 0-5', 'bytes=0-1,2-3', `bytes=${'0-1,'.repeat(500)}0-1`]) {
      expect(parseRange(header, len), String(header)).toEqual({ kind: 'whole' });
    }
  });
});
