/**
 * A fixed-size bit set in BitTorrent's order (bit 0 is the high bit of byte 0), so its bytes are
 * the wire's `bitfield` payload and travel to the UI as they are.
 */
export class Bitfield {
  readonly bytes: Uint8Array;
  #count = 0;

  constructor(
    readonly size: number,
    bytes?: Uint8Array,
  ) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid bitfield size ${size}`);
    const byteLength = Math.ceil(size / 8);
    if (bytes) {
      if (bytes.length !== byteLength) throw new RangeError(`bitfield of ${size} bits needs ${byteLength} bytes, got ${bytes.length}`);
      this.bytes = new Uint8Array(bytes);
      // Spare bits past `size` must be clear (BEP 3); clear them rather than trust the sender.
      const spare = byteLength * 8 - size;
      if (spare > 0) this.bytes[byteLength - 1]! &= (0xff << spare) & 0xff;
      for (const b of this.bytes) this.#count += popcount(b);
    } else {
      this.bytes = new Uint8Array(byteLength);
    }
  }

  /** Bits set. */
  get count(): number {
    return this.#count;
  }

  get complete(): boolean {
    return this.#count === this.size;
  }

  has(index: number): boolean {
    if (index < 0 || index >= this.size) return false;
    return (this.bytes[index >> 3]! & (0x80 >> (index & 7))) !== 0;
  }

  set(index: number): void {
    this.#check(index);
    const mask = 0x80 >> (index & 7);
    const i = index >> 3;
    if ((this.bytes[i]! & mask) === 0) {
      this.bytes[i]! |= mask;
      this.#count++;
    }
  }

  clear(index: number): void {
    this.#check(index);
    const mask = 0x80 >> (index & 7);
    const i = index >> 3;
    if ((this.bytes[i]! & mask) !== 0) {
      this.bytes[i]! &= ~mask & 0xff;
      this.#count--;
    }
  }

  setAll(): void {
    this.bytes.fill(0xff);
    const spare = this.bytes.length * 8 - this.size;
    if (spare > 0) this.bytes[this.bytes.length - 1] = (0xff << spare) & 0xff;
    this.#count = this.size;
  }

  #check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`bit ${index} is outside a bitfield of ${this.size}`);
    }
  }
}

function popcount(byte: number): number {
  let b = byte - ((byte >> 1) & 0x55);
  b = (b & 0x33) + ((b >> 2) & 0x33);
  return (b + (b >> 4)) & 0x0f;
}
