/** Small deterministic PRNG (xorshift32) so a run can be repeated from its seed. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state;
  }
  /** 0 ≤ n < bound. */
  below(bound: number): number {
    return bound <= 0 ? 0 : this.next() % bound;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

const interestingBytes = [0, 1, 0x7f, 0x80, 0xff, 0x30, 0x39, 0x2d, 0x3a, 0x64, 0x65, 0x69, 0x6c, 0x0a, 0x1b, 0x25, 0x26, 0x3d];
const interestingNumbers = ['0', '-1', '1', '-0', '00', '16384', '2147483647', '4294967296', '9007199254740993', '99999999999999999999', '1e3'];

export interface MutationContext {
  readonly rng: Rng;
  readonly maxBytes: number;
  readonly dictionary: readonly Uint8Array[];
  /** Another corpus entry to splice from. */
  readonly other: () => Uint8Array;
}

/** One to eight stacked byte-level or token-level changes to `input`, never longer than maxBytes. */
export function mutate(input: Uint8Array, ctx: MutationContext): Uint8Array {
  let out = input;
  const rounds = 1 + ctx.rng.below(8);
  for (let i = 0; i < rounds; i++) out = mutateOnce(out, ctx);
  return out.length > ctx.maxBytes ? out.subarray(0, ctx.maxBytes) : out;
}

function mutateOnce(input: Uint8Array, ctx: MutationContext): Uint8Array {
  const { rng } = ctx;
  const at = rng.below(input.length + 1);
  switch (rng.below(10)) {
    case 0: {
      if (input.length === 0) return insert(input, 0, Uint8Array.of(rng.below(256)));
      const out = input.slice();
      out[rng.below(out.length)]! ^= 1 << rng.below(8);
      return out;
    }
    case 1: {
      if (input.length === 0) return input;
      const out = input.slice();
      out[rng.below(out.length)] = rng.below(2) ? rng.pick(interestingBytes) : rng.below(256);
      return out;
    }
    case 2: {
      const bytes = new Uint8Array(1 + rng.below(8));
      for (let j = 0; j < bytes.length; j++) bytes[j] = rng.below(256);
      return insert(input, at, bytes);
    }
    case 3: {
      const length = 1 + rng.below(Math.min(64, input.length + 1));
      return splice(input, at, at + length, new Uint8Array(0));
    }
    case 4: {
      // Repeat a slice: nesting and long lists come from here.
      if (input.length === 0) return input;
      const start = rng.below(input.length);
      const slice = input.subarray(start, start + 1 + rng.below(Math.min(32, input.length - start)));
      let copies = slice;
      for (let n = rng.below(4); n > 0; n--) copies = insert(copies, copies.length, slice);
      return insert(input, at, copies);
    }
    case 5:
    case 6:
      return ctx.dictionary.length > 0 ? insert(input, at, rng.pick(ctx.dictionary)) : input;
    case 7: {
      const other = ctx.other();
      const start = rng.below(other.length + 1);
      return insert(input, at, other.subarray(start, start + rng.below(other.length - start + 1)));
    }
    case 8:
      return replaceNumber(input, ctx);
    default: {
      if (input.length === 0) return input;
      const out = input.slice();
      const width = Math.min(out.length - (at % out.length), 1 + rng.below(4));
      for (let j = 0; j < width; j++) out[(at % out.length) + j] = rng.below(2) ? 0xff : 0;
      return out;
    }
  }
}

/** Swaps one run of ASCII digits for a number that sits on a boundary. */
function replaceNumber(input: Uint8Array, ctx: MutationContext): Uint8Array {
  const digits: number[] = [];
  for (let i = 0; i < input.length; i++) if (isDigit(input[i]!) && (i === 0 || !isDigit(input[i - 1]!))) digits.push(i);
  if (digits.length === 0) return input;
  const start = ctx.rng.pick(digits);
  let end = start;
  while (end < input.length && isDigit(input[end]!)) end++;
  const replacement = new TextEncoder().encode(ctx.rng.below(3) ? ctx.rng.pick(interestingNumbers) : String(ctx.rng.next() % 100000));
  return splice(input, start, end, replacement);
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function insert(input: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  return splice(input, at, at, bytes);
}

/** `input` with bytes [start, end) replaced by `bytes`. */
function splice(input: Uint8Array, start: number, end: number, bytes: Uint8Array): Uint8Array {
  const tail = input.subarray(Math.min(end, input.length));
  const out = new Uint8Array(start + bytes.length + tail.length);
  out.set(input.subarray(0, start), 0);
  out.set(bytes, start);
  out.set(tail, start + bytes.length);
  return out;
}
