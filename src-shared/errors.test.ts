import { describe, expect, it } from 'vitest';
import { asShoalError, reasonOf, ShoalError } from './errors';

describe('asShoalError', () => {
  it('keeps a ShoalError as it is, code and sentence', () => {
    const original = new ShoalError('disk-full', 'The disk is full.');
    expect(asShoalError(original, 'io', () => 'not this')).toBe(original);
  });

  it('gives anything else the code and the sentence made of it', () => {
    const wrapped = asShoalError(new Error('EIO: i/o error'), 'io', (err) => `Writing failed: ${reasonOf(err)}.`);
    expect(wrapped).toBeInstanceOf(ShoalError);
    expect(wrapped).toMatchObject({ code: 'io', message: 'Writing failed: EIO: i/o error.' });
    expect(asShoalError('odd', 'protocol')).toMatchObject({ code: 'protocol', message: 'odd' });
  });
});

describe('reasonOf', () => {
  it("is an Error's message, or the thrown value as text", () => {
    expect(reasonOf(new TypeError('bad'))).toBe('bad');
    expect(reasonOf(42)).toBe('42');
  });
});
