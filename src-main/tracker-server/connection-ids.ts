import { createHmac, randomBytes } from 'node:crypto';

/**
 * BEP 15 connection ids that need no state and cannot be forged: HMAC-SHA-256 (key random per
 * process) of the time window and the client's address, truncated to 64 bits. The port is left
 * out, as clients may send from a new socket per request; spoofing is about addresses. An id is
 * accepted in its own window and the next, so it lives between one and two windows.
 */
const MAX_CACHED = 65_536;

export class ConnectionIds {
  readonly #key: Buffer;
  readonly #windowMs: number;
  readonly #input = Buffer.alloc(4 + 1 + 16);
  #window = NaN;
  #current = new Map<number | string, Buffer>();
  #previous = new Map<number | string, Buffer>();

  constructor(windowMs = 60_000, key: Buffer = randomBytes(32)) {
    this.#windowMs = windowMs;
    this.#key = key;
  }

  /** Writes the id for this address into `out` at `offset` (8 bytes). */
  issue(ip: Uint8Array, now: number, out: Buffer, offset: number): void {
    const mac = this.#mac(Math.floor(now / this.#windowMs), ip);
    for (let i = 0; i < 8; i++) out[offset + i] = mac[i]!;
  }

  /** `true` when the 8 bytes at `offset` of `packet` were issued to this address in this or the previous window. */
  verify(packet: Buffer, offset: number, ip: Uint8Array, now: number): boolean {
    const window = Math.floor(now / this.#windowMs);
    return this.#matches(packet, offset, window, ip) || this.#matches(packet, offset, window - 1, ip);
  }

  #matches(packet: Buffer, offset: number, window: number, ip: Uint8Array): boolean {
    const mac = this.#mac(window, ip);
    // Timing leaks are moot here: an attacker sees no verdict beyond whether a reply came. A loop,
    // not Buffer#compare: 8 bytes cost less than the call into C++ that compare makes.
    for (let i = 0; i < 8; i++) if (mac[i] !== packet[offset + i]) return false;
    return true;
  }

  #mac(window: number, ip: Uint8Array): Buffer {
    // Most packets come from addresses seen lately: remember their MACs for this window and the
    // previous one (bounded), so the hot path skips the HMAC.
    if (!(window <= this.#window)) {
      this.#previous = window === this.#window + 1 ? this.#current : new Map();
      this.#current = new Map();
      this.#window = window;
    }
    const cache = window === this.#window ? this.#current : window === this.#window - 1 ? this.#previous : undefined;
    const key = ip.length === 4 ? ((ip[0]! << 24) | (ip[1]! << 16) | (ip[2]! << 8) | ip[3]!) >>> 0 : Buffer.from(ip.buffer, ip.byteOffset, ip.byteLength).toString('latin1');
    const hit = cache?.get(key);
    if (hit) return hit;
    const mac = this.#compute(window, ip);
    if (cache) {
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(key, mac);
    }
    return mac;
  }

  #compute(window: number, ip: Uint8Array): Buffer {
    const input = this.#input;
    input.fill(0);
    input.writeUInt32BE(window >>> 0, 0);
    input[4] = ip.length;
    input.set(ip, 5);
    return createHmac('sha256', this.#key).update(input).digest();
  }
}
