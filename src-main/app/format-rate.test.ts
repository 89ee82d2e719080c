import { describe, expect, it } from 'vitest';
import { formatRate } from './format-rate';

describe('formatRate', () => {
  it('picks a binary unit and a sensible precision', () => {
    expect(formatRate(0)).toBe('0 B/s');
    expect(formatRate(1023)).toBe('1023 B/s');
    expect(formatRate(1024)).toBe('1.0 KiB/s');
    expect(formatRate(1536 * 1024)).toBe('1.5 MiB/s');
    expect(formatRate(250 * 1024 * 1024)).toBe('250 MiB/s');
    expect(formatRate(5 * 1024 ** 4)).toBe('5120 GiB/s');
    expect(formatRate(-3)).toBe('0 B/s');
  });
});
