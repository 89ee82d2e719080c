import { describe, expect, it } from 'vitest';
import { allowedFastSet } from './allowed-fast';

describe('allowedFastSet', () => {
  const infoHash = new Uint8Array(20).fill(0xaa);

  it('matches the BEP 6 example', () => {
    expect(allowedFastSet(infoHash, '80.4.4.200', 1313, 7)).toEqual([1059, 431, 808, 1217, 287, 376, 1188]);
    expect(allowedFastSet(infoHash, '80.4.4.200', 1313, 9)).toEqual([1059, 431, 808, 1217, 287, 376, 1188, 353, 508]);
  });

  it('depends only on the /24 and stops at the piece count', () => {
    expect(allowedFastSet(infoHash, '80.4.4.1', 1313, 7)).toEqual(allowedFastSet(infoHash, '80.4.4.200', 1313, 7));
    expect(allowedFastSet(infoHash, '80.4.4.1', 3, 10).sort()).toEqual([0, 1, 2]);
    expect(() => allowedFastSet(infoHash, '::1', 10, 2)).toThrow(/IPv4/);
  });
});
