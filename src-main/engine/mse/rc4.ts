/** Whether byte 0 of a 32-bit word is its low byte, which the word-at-a-time path assumes. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * RC4, ours because Node 20's OpenSSL 3 leaves it in the legacy provider. MSE runs it over every
 * byte of an encrypted connection, so it works in place with no allocation: the state is an
 * Int32Array (V8 loads those without widening) and four keystream bytes are XORed as one word.
 */
export class Rc4 {
  readonly #s = new Int32Array(256);
  #i = 0;
  #j = 0;

  /** Keys the cipher, then throws away the first `drop` keystream bytes (MSE drops 1,024). */
  constructor(key: Uint8Array, drop = 0) {
    if (key.length === 0 || key.length > 256) throw new RangeError('an RC4 key is 1 to 256 bytes');
    const s = this.#s;
    for (let i = 0; i < 256; i++) s[i] = i;
    let j = 0;
    for (let i = 0; i < 256; i++) {
      const si = s[i]!;
      j = (j + si + key[i % key.length]!) & 255;
      s[i] = s[j]!;
      s[j] = si;
    }
    if (drop > 0) this.update(new Uint8Array(drop));
  }

  /**
   * XORs the next keystream bytes into `bytes`, in place, and returns it. With `into`, the result
   * goes there instead and `bytes` is left as it was (for buffers that are not ours to change).
   */
  update(bytes: Uint8Array, into?: Uint8Array): Uint8Array {
    let buf = bytes;
    if (into !== undefined && into !== bytes) {
      into.set(bytes);
      buf = into.subarray(0, bytes.length);
    }
    const s = this.#s;
    let i = this.#i;
    let j = this.#j;
    const n = buf.length;
    // Bytes one by one up to a word boundary, then words, then the tail.
    const head = LITTLE_ENDIAN ? Math.min(n, (4 - (buf.byteOffset & 3)) & 3) : n;
    let k = 0;
    for (; k < head; k++) {
      i = (i + 1) & 255;
      const si = s[i]!;
      j = (j + si) & 255;
      const sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      buf[k]! ^= s[(si + sj) & 255]!;
    }
    const words = (n - k) >> 2;
    if (words > 0) {
      const w = new Int32Array(buf.buffer, buf.byteOffset + k, words);
      for (let q = 0; q < words; q++) {
        i = (i + 1) & 255;
        let si = s[i]!;
        j = (j + si) & 255;
        let sj = s[j]!;
        s[i] = sj;
        s[j] = si;
        let x = s[(si + sj) & 255]!;
        i = (i + 1) & 255;
        si = s[i]!;
        j = (j + si) & 255;
        sj = s[j]!;
        s[i] = sj;
        s[j] = si;
        x |= s[(si + sj) & 255]! << 8;
        i = (i + 1) & 255;
        si = s[i]!;
        j = (j + si) & 255;
        sj = s[j]!;
        s[i] = sj;
        s[j] = si;
        x |= s[(si + sj) & 255]! << 16;
        i = (i + 1) & 255;
        si = s[i]!;
        j = (j + si) & 255;
        sj = s[j]!;
        s[i] = sj;
        s[j] = si;
        w[q]! ^= x | (s[(si + sj) & 255]! << 24);
      }
      k += words << 2;
    }
    for (; k < n; k++) {
      i = (i + 1) & 255;
      const si = s[i]!;
      j = (j + si) & 255;
      const sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      buf[k]! ^= s[(si + sj) & 255]!;
    }
    this.#i = i;
    this.#j = j;
    return buf;
  }
}
