import { describe, expect, it } from 'vitest';
import { refusal } from '../../testing/refusal';
import { parseTorrent } from './parse-torrent';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

// What a damaged file's bencode looks like to the user; the decoder's own cases are in ../bencode.
function expectRefused(input: Uint8Array | string, message: RegExp): void {
  const err = refusal(() => parseTorrent(typeof input === 'string' ? bytes(input) : input));
  expect(err.code).toBe('invalid-torrent');
  expect(err.message).toMatch(/^The torrent file is damaged: .+\.$/);
  expect(err.message).toMatch(message);
}

describe("parseTorrent refuses malformed and hostile bencode with the decoder's sentence", () => {
  // Every malformed shape the decoder's own tests name (../bencode/decode.test.ts), as a user sees it.
  const malformed: [string, RegExp][] = [
    ['', /it is empty/],
    ['x', /unexpected byte 0x78 at byte 0/],
    ['d1:a', /ends early, inside the dictionary at byte 0/],
    ['i12', /ends inside the integer at byte 0/],
    ['4294967296:x', /claims 4294967296 bytes but only 1 remain/],
    ['01:a', /string length at byte 0 has a leading zero/],
    ['i-0e', /integer at byte 0 is not canonical/],
    ['i1.5e', /integer at byte 0 is malformed/],
    ['i9007199254740992e', /integer at byte 0 is too large/],
    ['di1ei2ee', /dictionary key at byte 1 is not a string/],
    ['d1:ae', /key in the dictionary at byte 0 has no value/],
    ['d1:ai1e1:bi0e1:ai2ee', /dictionary at byte 0 has the key 'a' twice/],
    ['d9:__proto__d4:name4:evilee', /dictionary at byte 0 has a '__proto__' key/],
  ];
  it.each(malformed)('%j', (input, message) => expectRefused(input, message));

  it('input over the size limit', { timeout: 5_000 }, () => {
    expectRefused(new Uint8Array(32 * 1024 * 1024 + 1), /more than the 33554432 bytes allowed/);
  });

  it('deep nesting, without overflowing the stack', { timeout: 5_000 }, () => {
    expectRefused(`${'l'.repeat(100_000)}${'e'.repeat(100_000)}`, /nests deeper than 64 levels/);
  });

  it('a huge list, refused before anything is built from it', { timeout: 5_000 }, () => {
    expectRefused(`l${'i0e'.repeat(1_000_001)}e`, /more than 1000000 values/);
  });
});

describe('hostile bytes inside a torrent are refused', () => {
  const info = 'd6:lengthi1e4:name1:a12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaa';
  const cases: [string, string, RegExp][] = [
    ['__proto__ inside info (it would give info a prototype with a name)', `d4:info${info}9:__proto__d4:name4:evileee`, /'__proto__' key/],
    ['a duplicate name inside info', `d4:info${info}4:name1:bee`, /has the key 'name' twice/],
    ['an integer beyond 2^53 as the length', 'd4:infod6:lengthi18014398509481984e4:name1:a12:piece lengthi16384e6:pieces0:ee', /too large/],
  ];
  for (const [what, text, message] of cases) {
    it(what, () => {
      expect(() => parseTorrent(bytes(text))).toThrow(message);
    });
  }

  it('parses the same torrent without the hostile part (so the refusals above are about it)', () => {
    expect(parseTorrent(bytes(`d4:info${info}ee`)).name).toBe('a');
  });
});
