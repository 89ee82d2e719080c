import { describe, expect, it } from 'vitest';
import { SmartBan } from './smart-ban';

const block = (fill: number) => new Uint8Array(16).fill(fill);

describe('SmartBan', () => {
  it('names the sender whose block differs from the one in the piece that passed', () => {
    const ban = new SmartBan();
    ban.failed(7, new Map([[0, 'good'], [1, 'bad']]), [block(1), block(9)]);
    expect(ban.isSuspect(7)).toBe(true);
    expect(ban.passed(7, [block(1), block(2)])).toEqual(['bad']);
    expect(ban.isSuspect(7)).toBe(false);
  });

  it('clears an innocent peer whose block was right both times', () => {
    const ban = new SmartBan();
    ban.failed(1, new Map([[0, 'a']]), [block(3)]);
    expect(ban.passed(1, [block(3)])).toEqual([]);
  });

  it('remembers a bounded number of failed pieces', () => {
    const ban = new SmartBan(2);
    ban.failed(1, new Map([[0, 'x']]), [block(1)]);
    ban.failed(2, new Map([[0, 'x']]), [block(1)]);
    ban.failed(3, new Map([[0, 'x']]), [block(1)]);
    expect(ban.isSuspect(1)).toBe(false);
    expect(ban.isSuspect(3)).toBe(true);
  });

  it('says nothing about a piece that never failed', () => {
    expect(new SmartBan().passed(5, [block(0)])).toEqual([]);
  });
});
