import { describe, expect, it } from 'vitest';
import { decodeExtensionDict } from './extension-dict';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('decodeExtensionDict', () => {
  it('accepts what libtorrent accepts from peers: unsorted keys, leading zeros, bytes after the dictionary', () => {
    const { dict, end } = decodeExtensionDict(bytes('d1:pi06881e1:md6:ut_pexi1eeeXYZ'), 'a test message');
    expect(dict.get('p')).toBe(6881);
    expect(end).toBe(28);
  });

  it('refuses with a sentence naming the message', () => {
    expect(() => decodeExtensionDict(bytes('d1:a'), 'a test message')).toThrow('The peer sent a test message that is not valid bencode.');
    expect(() => decodeExtensionDict(bytes('le'), 'a test message')).toThrow('The peer sent a test message that is not a dictionary.');
    expect(() => decodeExtensionDict(bytes(`${'d1:a'.repeat(17)}i0e${'e'.repeat(17)}`), 'a test message')).toThrow(/not valid bencode/);
  });
});
