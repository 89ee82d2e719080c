import { describe, expect, it } from 'vitest';
import { parseRate } from './parse-rate';

describe('parseRate', () => {
  it('reads plain bytes and binary K, M, G with the usual spellings', () => {
    expect(parseRate('--download-limit', '500000')).toBe(500_000);
    expect(parseRate('--download-limit', '512K')).toBe(512 * 1024);
    expect(parseRate('--download-limit', '512k')).toBe(512 * 1024);
    expect(parseRate('--download-limit', '1M')).toBe(1024 * 1024);
    expect(parseRate('--download-limit', '1.5MiB')).toBe(1.5 * 1024 * 1024);
    expect(parseRate('--download-limit', '2MB/s')).toBe(2 * 1024 * 1024);
    expect(parseRate('--download-limit', '1G')).toBe(1024 ** 3);
    expect(parseRate('--download-limit', '100B')).toBe(100);
    expect(parseRate('--download-limit', '0.5K')).toBe(512);
  });

  it('takes 0 as no limit', () => {
    expect(parseRate('--upload-limit', '0')).toBe(0);
  });

  it('refuses what is not a speed, with a sentence naming the option and the text', () => {
    for (const bad of ['', 'fast', '-1M', '1T', '1.2.3M', 'M', '0.4', '1e6', `${2 ** 41}`]) {
      expect(() => parseRate('--upload-limit', bad)).toThrow(expect.objectContaining({ code: 'invalid-input', message: expect.stringContaining(`--upload-limit must be a speed`) }));
    }
  });
});
