import { ShoalError } from '../../../src-shared/errors';

/**
 * A strict, bounded bencode decoder for tracker replies. Dictionary keys are kept as latin1
 * strings so binary keys (a scrape's 20-byte info-hashes) map back to their bytes exactly;
 * values that are byte strings stay bytes. Depth and item counts are capped, so a hostile
 * tracker can neither blow the stack nor make us build millions of objects.
 */

export type TValue = number | Buffer | TValue[] | TDict;
export type TDict = Map<string, TValue>;

const MAX_DEPTH = 16;
const MAX_ITEMS = 100_000;

class Reader {
  pos = 0;
  items = 0;
  constructor(readonly bytes: Buffer) {}

  fail(what: string): never {
    throw new ShoalError('protocol', `The tracker sent a malformed reply (${what} at byte ${this.pos}).`);
  }

  value(depth: number): TValue {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    if (++this.items > MAX_ITEMS) this.fail('too many items');
    const c = this.bytes[this.pos];
    if (c === 0x69 /* i */) return this.integer();
    if (c === 0x6c /* l */) {
      this.pos++;
      const list: TValue[] = [];
      while (this.peek() !== 0x65) list.push(this.value(depth + 1));
      this.pos++;
      return list;
    }
    if (c === 0x64 /* d */) {
      this.pos++;
      const dict: TDict = new Map();
      let last: Buffer | undefined;
      while (this.peek() !== 0x65) {
        const key = this.string();
        // Unsorted keys are tolerated (many trackers send them); duplicates are not.
        if (last !== undefined && key.equals(last)) this.fail('duplicate key');
        last = key;
        dict.set(key.toString('latin1'), this.value(depth + 1));
      }
      this.pos++;
      return dict;
    }
    if (c !== undefined && c >= 0x30 && c <= 0x39) return this.string();
    return this.fail('unexpected byte');
  }

  peek(): number {
    const c = this.bytes[this.pos];
    if (c === undefined) this.fail('unexpected end');
    return c;
  }

  integer(): number {
    const end = this.bytes.indexOf(0x65, this.pos + 1);
    if (end < 0 || end - this.pos > 22) this.fail('bad integer');
    const text = this.bytes.toString('latin1', this.pos + 1, end);
    if (!/^(0|-?[1-9]\d*)$/.test(text)) this.fail('bad integer');
    const value = Number(text);
    if (!Number.isSafeInteger(value)) this.fail('integer out of range');
    this.pos = end + 1;
    return value;
  }

  string(): Buffer {
    const colon = this.bytes.indexOf(0x3a, this.pos);
    if (colon < 0 || colon - this.pos > 10) this.fail('bad string length');
    const text = this.bytes.toString('latin1', this.pos, colon);
    if (!/^(0|[1-9]\d*)$/.test(text)) this.fail('bad string length');
    const length = Number(text);
    const end = colon + 1 + length;
    if (end > this.bytes.length) this.fail('string runs past the end');
    this.pos = end;
    return this.bytes.subarray(colon + 1, end);
  }
}

/** Decodes exactly one value filling all of `bytes`; anything else is a `protocol` ShoalError. */
export function decodeTrackerReply(bytes: Buffer): TValue {
  const reader = new Reader(bytes);
  if (bytes.length === 0) reader.fail('empty reply');
  const value = reader.value(0);
  if (reader.pos !== bytes.length) reader.fail('trailing data');
  return value;
}

export function isDict(value: TValue | undefined): value is TDict {
  return value instanceof Map;
}

export function asInt(value: TValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

export function asBytes(value: TValue | undefined): Buffer | undefined {
  return Buffer.isBuffer(value) ? value : undefined;
}
