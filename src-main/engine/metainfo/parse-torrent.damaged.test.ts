import { describe, expect, it } from 'vitest';
import { ShoalError } from '../../../src-shared/errors';
import { parseTorrent } from './parse-torrent';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

// What a damaged file's bencode looks like to the user; the decoder's own cases are in ../bencode.
function refusal(input: Uint8Array | string): ShoalError {
  try {
    parseTorrent(typeof input === 'string' ? bytes(input) : input);
  } catch (err) {
    if (err instanceof ShoalError) return err;
    throw err;
  }
  throw new Error('parseTorrent accepted the input');
}

function expectRefused(input: Uint8Array | string, message: RegExp): void {
  const err = refusal(input);
  expect(err.code).toBe('invalid-torrent');
  expect(err.message).toMatch(/^The torrent file is damaged: .+\.$/);
  expect(err.message).toMatch(message);
}

describe('parseTorrent refuses malformed and hostile bencode with a sentence', () => {
  it('empty input', () => expectRefused('', /it is empty/));
  it('input over the size limit', { timeout: 5_000 }, () => {
    expectRefused(new Uint8Array(32 * 1024 * 1024 + 1), /more than the 33554432 bytes allowed/);
  });
  it('trailing garbage', () => expectRefused('d1:ai1eexyz', /3 unexpected bytes follow the data at byte 8/));
  it('two values', () => expectRefused('dede', /2 unexpected bytes follow/));
  it('an unknown type byte', () => expectRefused('x', /unexpected byte 0x78 at byte 0/));
  it('truncation inside a dictionary', () => expectRefused('d1:a', /ends early, inside the dictionary at byte 0/));
  it('truncation inside a list', () => expectRefused('li1e', /ends early, inside the list at byte 0/));
  it('truncation inside a string length', () => expectRefused('12', /ends inside a string length at byte 0/));
  it('truncation inside an integer', () => expectRefused('i12', /ends inside the integer at byte 0/));
  it('a string longer than the input', () => expectRefused('5:ab', /string at byte 0 claims 5 bytes but only 2 remain/));
  it('a huge declared string length', () => expectRefused('4294967296:x', /claims 4294967296 bytes but only 1 remain/));
  it('a string length beyond 2^53', () => expectRefused('99999999999999999999:x', /string length at byte 0 is too large/));
  it('a string length with a leading zero', () => expectRefused('01:a', /string length at byte 0 has a leading zero/));
  it('a negative string length', () => expectRefused('-1:a', /unexpected byte 0x2d at byte 0/));
  it('an integer with a leading zero', () => expectRefused('i03e', /integer at byte 0 is not canonical/));
  it('minus zero', () => expectRefused('i-0e', /integer at byte 0 is not canonical/));
  it('an empty integer', () => expectRefused('ie', /integer at byte 0 is malformed/));
  it('a lone minus', () => expectRefused('i-e', /integer at byte 0 is malformed/));
  it('a plus sign', () => expectRefused('i+1e', /integer at byte 0 is malformed/));
  it('a float', () => expectRefused('i1.5e', /integer at byte 0 is malformed/));
  it('an integer just beyond 2^53', () => expectRefused('i9007199254740992e', /integer at byte 0 is too large/));
  it('a negative integer beyond -2^53', () => expectRefused('i-9007199254740992e', /integer at byte 0 is too large/));
  it('an integer with many digits', () => expectRefused(`i${'9'.repeat(400)}e`, /integer at byte 0 is too large/));
  it('a dictionary key that is not a string', () => expectRefused('di1ei2ee', /dictionary key at byte 1 is not a string/));
  it('a key without a value', () => expectRefused('d1:ae', /key in the dictionary at byte 0 has no value/));
  it('a duplicate key', () => expectRefused('d1:ai1e1:bi0e1:ai2ee', /dictionary at byte 0 has the key 'a' twice/));
  it('a duplicate binary key, named in hex', () => {
    const input = Buffer.concat([bytes('d1:'), Buffer.from([0xff]), bytes('i1e1:'), Buffer.from([0xff]), bytes('i2ee')]);
    expectRefused(input, /has the key 'ff' twice/);
  });
  it('a __proto__ key', () => expectRefused('d9:__proto__d4:name4:evilee', /dictionary at byte 0 has a '__proto__' key/));

  it('deep nesting, without overflowing the stack', { timeout: 5_000 }, () => {
    expectRefused(`${'l'.repeat(100_000)}${'e'.repeat(100_000)}`, /nests deeper than 64 levels/);
    expectRefused(`${'d1:a'.repeat(100_000)}i1e${'e'.repeat(100_000)}`, /nests deeper than 64 levels/);
  });

  it('a huge list, refused before anything is built from it', { timeout: 5_000 }, () => {
    expectRefused(`l${'i0e'.repeat(1_000_001)}e`, /more than 1000000 values/);
    expectRefused(`l${'0:'.repeat(1_000_001)}e`, /more than 1000000 values/);
  });
});

describe('hostile bytes inside a torrent are refused', () => {
  const info = 'd6:lengthi1e4:name1:a12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaa';
  const cases: [string, string, RegExp][] = [
    ['__proto__ inside info (it would give info a prototype with a name)', `d4:info${info}9:__proto__d4:name4:evileee`, /'__proto__' key/],
    ['a duplicate name inside info', `d4:info${info}4:name1:bee`, /has the key 'name' twice/],
    ['an integer beyond 2^53 as the length', 'd4:infod6:lengthi18014398509481984e4:name1:a12:piece lengthi16384e6:pieces0:ee', /too large/],
    ['trailing garbage after a valid torrent', `d4:info${info}ee\n`, /1 unexpected byte follows/],
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
