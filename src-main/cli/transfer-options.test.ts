import { describe, expect, it } from 'vitest';
import { parseFileList } from './transfer-options';

describe('parseFileList', () => {
  it("turns 'shoal info' numbers into contract indexes, once each", () => {
    expect(parseFileList('--skip', '2,3')).toEqual([1, 2]);
    expect(parseFileList('--skip', '3, 1,3')).toEqual([2, 0]);
    expect(parseFileList('--skip', undefined)).toBeUndefined();
  });

  it.each(['', '0', '1,,2', 'a', '-1', '1.5', '2-3'])('rejects %j with one sentence', (text) => {
    expect(() => parseFileList('--skip', text)).toThrow(/^--skip takes file numbers as 'shoal info' prints them/);
  });
});
