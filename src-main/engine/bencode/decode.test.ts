import { describe, expect, it } from 'vitest';
import { bdecode, bdecodeDetailed, BencodeError, type BencodeErrorReason, type BencodeLimits, type DecodeOptions } from './decode';
import { binaryKey, type BValue } from './values';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

// The bounds the metainfo parser uses, so the sentences below are the ones users of .torrent files see.
const limits: BencodeLimits = {
  maxBytes: 32 * 1024 * 1024,
  maxDepth: 64,
  maxValues: 1_000_000,
  maxStringBytes: 32 * 1024 * 1024,
  maxIntegerDigits: 16,
};
const tolerant: DecodeOptions = { limits, unsortedKeys: true };

function refusal(input: Uint8Array | string, options: DecodeOptions = tolerant): BencodeError {
  try {
    bdecode(typeof input === 'string' ? bytes(input) : input, options);
  } catch (err) {
    if (err instanceof BencodeError) return err;
    throw err;
  }
  throw new Error('bdecode accepted the input');
}

function expectRefused(input: Uint8Array | string, message: RegExp, options: DecodeOptions = tolerant, reason?: BencodeErrorReason): void {
  const err = refusal(input, options);
  // One sentence about the input, to be wrapped by the caller: no capital, no final period.
  expect(err.message).toMatch(/^[a-z0-9].*[^.]$/);
  expect(err.message).toMatch(message);
  if (reason) expect(err.reason).toBe(reason);
}

const text = (value: BValue | undefined): string => Buffer.from(value as Uint8Array).toString('utf8');

describe('bdecode accepts well-formed bencode', () => {
  it('decodes integers, byte strings, lists and dictionaries', () => {
    const value = bdecode(bytes('d1:ai-42e1:bl0:i0ee1:cd3:xyzi9007199254740991eee'), { limits });
    expect(value).toEqual(
      new Map<string, BValue>([
        ['a', -42],
        ['b', [new Uint8Array(0), 0]],
        ['c', new Map([['xyz', 2 ** 53 - 1]])],
      ]),
    );
  });

  it('accepts unsorted keys when asked to (real torrents have them), and refuses them otherwise', () => {
    expect(bdecode(bytes('d1:bi1e1:ai2ee'), tolerant)).toEqual(
      new Map([
        ['b', 1],
        ['a', 2],
      ]),
    );
    expectRefused('d1:bi1e1:ai2ee', /dictionary at byte 0 has its keys out of order at byte 9/, { limits }, 'unsorted-keys');
    // Byte order, not text order: a shorter key that is a prefix sorts first.
    expect(() => bdecode(bytes('d1:ai1e2:aai2ee'), { limits })).not.toThrow();
    expectRefused('d2:aai1e1:ai2ee', /out of order/, { limits });
  });

  it('keeps binary keys exact, so 20-byte info-hashes map back to their bytes', () => {
    const hashA = Buffer.alloc(20, 0xff);
    const hashB = Buffer.from('00112233445566778899aabbccddeeff00112233', 'hex');
    const input = Buffer.concat([bytes('d5:filesd20:'), hashB, bytes('i1e20:'), hashA, bytes('i2eee')]);
    const files = (bdecode(input, { limits }) as Map<string, BValue>).get('files') as Map<string, BValue>;
    expect(files.get(binaryKey(hashA))).toBe(2);
    expect(files.get(binaryKey(hashB))).toBe(1);
    expect([...files.keys()].map((k) => Buffer.from(k, 'latin1').toString('hex'))).toEqual([hashB.toString('hex'), hashA.toString('hex')]);
  });

  it('keeps keys that differ only as bytes apart (invalid UTF-8 is not renamed)', () => {
    const input = Buffer.concat([bytes('d2:ffi2e1:'), Buffer.from([0xff]), bytes('i1ee')]);
    const dict = bdecode(input, { limits }) as Map<string, BValue>;
    expect(dict.get('ff')).toBe(2);
    expect(dict.get('\xff')).toBe(1);
  });

  it('returns byte strings as views into the input, not copies', () => {
    const input = bytes('l3:abce');
    const [abc] = bdecode(input, { limits }) as Uint8Array[];
    expect(abc!.buffer).toBe(input.buffer);
    expect(text(abc)).toBe('abc');
    const [fromBuffer] = bdecode(Buffer.from('l3:abce'), { limits }) as Uint8Array[];
    expect(Buffer.isBuffer(fromBuffer)).toBe(true);
  });

  it('accepts non-canonical numbers only when asked to, as libtorrent does', () => {
    const lenient = { limits, nonCanonicalNumbers: true };
    expect(bdecode(bytes('li007ei-0ei-012e02:abe'), lenient)).toEqual([7, 0, -12, bytes('ab')]);
    expectRefused('i007e', /not canonical/, { limits }, 'non-canonical');
    expectRefused('02:ab', /leading zero/, { limits }, 'non-canonical');
    // Leading zeros are not significant digits, but the 2^53 bound still holds.
    expect(bdecode(bytes(`i${'0'.repeat(30)}1e`), lenient)).toBe(1);
    expectRefused(`i${'0'.repeat(30)}9007199254740992e`, /too large/, lenient);
  });
});

describe('bdecodeDetailed', () => {
  it("finds the top-level info value's byte span, not a nested one", () => {
    const input = 'd1:xd4:infoi1ee4:infod1:ai1ee1:zi0ee';
    const { spans } = bdecodeDetailed(bytes(input), { ...tolerant, spans: [['info']] });
    expect(input.slice(spans[0]!.start, spans[0]!.end)).toBe('d1:ai1ee');
    expect(bdecodeDetailed(bytes('d1:xd4:infoi1eee'), { ...tolerant, spans: [['info']] }).spans).toEqual([undefined]);
  });

  it('finds spans at any key path, scalars included', () => {
    const input = 'd4:infod9:file treed1:ad0:d6:lengthi5eeee4:name1:xe1:zi0ee';
    const { spans } = bdecodeDetailed(bytes(input), { limits, spans: [['info', 'file tree', 'a'], ['info', 'name'], ['z'], ['info', 'nope'], []] });
    const slices = spans.map((s) => (s ? input.slice(s.start, s.end) : undefined));
    expect(slices).toEqual(['d0:d6:lengthi5eee', '1:x', 'i0e', undefined, input]);
  });

  it('decodes a value at the start of the input and says where it ends (data may follow)', () => {
    const input = bytes('d8:msg_typei1e5:piecei0eeRAW DATA');
    const { value, end } = bdecodeDetailed(input, { limits, allowTrailing: true });
    expect((value as Map<string, BValue>).get('msg_type')).toBe(1);
    expect(new TextDecoder().decode(input.subarray(end))).toBe('RAW DATA');
    expectRefused(input, /8 unexpected bytes follow the data at byte 25/, { limits }, 'trailing');
  });
});

describe('bdecode refuses malformed and hostile input with a sentence', () => {
  it('empty input', () => expectRefused('', /it is empty/, tolerant, 'empty'));
  it('input over the size limit', () => expectRefused('i1e', /more than the 2 bytes allowed/, { limits: { ...limits, maxBytes: 2 } }, 'too-long'));
  it('trailing garbage', () => expectRefused('d1:ai1eexyz', /3 unexpected bytes follow the data at byte 8/));
  it('two values', () => expectRefused('dede', /2 unexpected bytes follow/));
  it('an unknown type byte', () => expectRefused('x', /unexpected byte 0x78 at byte 0/, tolerant, 'malformed'));
  it('truncation inside a dictionary', () => expectRefused('d1:a', /ends early, inside the dictionary at byte 0/, tolerant, 'truncated'));
  it('truncation inside a list', () => expectRefused('li1e', /ends early, inside the list at byte 0/));
  it('truncation inside a string length', () => expectRefused('12', /ends inside a string length at byte 0/));
  it('truncation inside an integer', () => expectRefused('i12', /ends inside the integer at byte 0/));
  it('a string longer than the input', () => expectRefused('5:ab', /string at byte 0 claims 5 bytes but only 2 remain/));
  it('a huge declared string length', () => expectRefused('4294967296:x', /claims 4294967296 bytes but only 1 remain/));
  it('a string length beyond 2^53', () => expectRefused('99999999999999999999:x', /string length at byte 0 is too large/));
  it('a string over the string limit', () => {
    expectRefused('l2:ab3:abce', /string at byte 5 is 3 bytes long, more than the 2 allowed/, { limits: { ...limits, maxStringBytes: 2 } }, 'too-large');
  });
  it('a key over the string limit', () => expectRefused('d3:abci1ee', /string at byte 1 is 3 bytes long/, { limits: { ...limits, maxStringBytes: 2 } }));
  it('a string length with a leading zero', () => expectRefused('01:a', /string length at byte 0 has a leading zero/));
  it('a negative string length', () => expectRefused('-1:a', /unexpected byte 0x2d at byte 0/));
  it('an integer with a leading zero', () => expectRefused('i03e', /integer at byte 0 is not canonical/));
  it('minus zero', () => expectRefused('i-0e', /integer at byte 0 is not canonical/));
  it('an empty integer', () => expectRefused('ie', /integer at byte 0 is malformed/));
  it('a lone minus', () => expectRefused('i-e', /integer at byte 0 is malformed/));
  it('a plus sign', () => expectRefused('i+1e', /integer at byte 0 is malformed/));
  it('a float', () => expectRefused('i1.5e', /integer at byte 0 is malformed/));
  it('an integer just beyond 2^53', () => expectRefused('i9007199254740992e', /integer at byte 0 is too large/, tolerant, 'too-large'));
  it('a negative integer beyond -2^53', () => expectRefused('i-9007199254740992e', /integer at byte 0 is too large/));
  it('an integer with many digits', () => expectRefused(`i${'9'.repeat(400)}e`, /integer at byte 0 is too large/));
  it('an integer over the digit limit', () => expectRefused('li99999ee', /integer at byte 1 is too large/, { limits: { ...limits, maxIntegerDigits: 4 } }));
  it('a dictionary key that is not a string', () => expectRefused('di1ei2ee', /dictionary key at byte 1 is not a string/));
  it('a key without a value', () => expectRefused('d1:ae', /key in the dictionary at byte 0 has no value/));
  it('a duplicate key', () => expectRefused('d1:ai1e1:bi0e1:ai2ee', /dictionary at byte 0 has the key 'a' twice/, tolerant, 'duplicate-key'));
  it('a duplicate key in canonical mode is named as one', () => expectRefused('d1:ai1e1:ai2ee', /has the key 'a' twice/, { limits }));
  it('a duplicate binary key, named in hex', () => {
    expectRefused(Buffer.concat([bytes('d1:'), Buffer.from([0xff]), bytes('i1e1:'), Buffer.from([0xff]), bytes('i2ee')]), /has the key 'ff' twice/);
  });
  it('a __proto__ key', () => expectRefused('d9:__proto__d4:name4:evilee', /dictionary at byte 0 has a '__proto__' key/, tolerant, 'forbidden-key'));

  it('deep nesting, without overflowing the stack', { timeout: 5_000 }, () => {
    expectRefused(`${'l'.repeat(100_000)}${'e'.repeat(100_000)}`, /nests deeper than 64 levels/, tolerant, 'too-deep');
    expectRefused(`${'d1:a'.repeat(100_000)}i1e${'e'.repeat(100_000)}`, /nests deeper than 64 levels/);
  });

  it('a huge list, refused before anything is built from it', { timeout: 5_000 }, () => {
    expectRefused(`l${'i0e'.repeat(1_000_001)}e`, /more than 1000000 values/, tolerant, 'too-many-values');
    expectRefused(`l${'0:'.repeat(1_000_001)}e`, /more than 1000000 values/);
  });

  it('says at which byte', () => {
    expect(refusal('li1ei2ex').offset).toBe(7);
    expect(refusal('l5:ab').offset).toBe(1);
  });
});
