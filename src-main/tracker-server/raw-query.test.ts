import { describe, expect, it } from 'vitest';
import { parseRawQuery, QueryError } from './raw-query';

describe('parseRawQuery', () => {
  it('decodes percent-escapes to raw bytes, not UTF-8 text', () => {
    const q = parseRawQuery('info_hash=%ff%00a%C3&x=1&x=2&flag');
    expect([...q.get('info_hash')![0]!]).toEqual([0xff, 0x00, 0x61, 0xc3]);
    expect(q.get('x')!.map((b) => b.toString())).toEqual(['1', '2']);
    expect(q.get('flag')![0]!.length).toBe(0);
  });

  it("keeps a literal '+' as the byte 0x2b", () => {
    expect([...parseRawQuery('k=a+b').get('k')![0]!]).toEqual([0x61, 0x2b, 0x62]);
  });

  it('refuses broken escapes, raw non-ASCII and parameter floods', () => {
    expect(() => parseRawQuery('a=%zz')).toThrow(QueryError);
    expect(() => parseRawQuery('a=%4')).toThrow(QueryError);
    expect(() => parseRawQuery('a=é')).toThrow(QueryError);
    expect(() => parseRawQuery('a=1&'.repeat(300))).toThrow(/too many parameters/);
  });
});
