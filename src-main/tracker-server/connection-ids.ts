import { createHmac, randomBytes } from 'node:crypto';

/**
 * BEP 15 connection ids that need no state and cannot be forged: HMAC-SHA-256 (key random per
 * process) of the time window and the client's address and port, truncated to 64 bits. An id is
 * accepted in its own window and the next, so it lives between one and two windows.
 */
export class ConnectionIds {
  readonly #key: Buffer;
  readonly #windowMs: number;
  readonly #input = Buffer.alloc(4 + 16 + 2);

  constructor(windowMs = 60_000, key: Buffer = randomBytes(32)) {
    this.#windowMs = windowMs;
    this.#key = key;
  }

  /** Writes the id for this address into `out` at `offset` (8 bytes). */
  issue(ip: Uint8Array, port: number, now: number, out: Buffer, offset: number): void {
    this.#mac(Math.floor(now / this.#windowMs), ip, port).copy(out, offset, 0, 8);
  }

  /** `true` when `id` (8 bytes at `offset` of `packet`) was issued to this address in this or the previous window. */
  verify(packet: Buffer, offset: number, ip: Uint8Array, port: number, now: number): boolean {
    const window = Math.floor(now / this.#windowMs);
    return this.#matches(packet, offset, window, ip, port) || this.#matches(packet, offset, window - 1, ip, port);
  }

  #matches(packet: Buffer, offset: number, window: number, ip: Uint8Array, port: number): boolean {
    const mac = this.#mac(window, ip, port);
    // Timing leaks are moot here: an attacker sees no verdict beyond whether a reply came.
    return mac.compare(packet, offset, offset + 8, 0, 8) === 0;
  }

  #mac(window: number, ip: Uint8Array, port: number): Buffer {
    const input = this.#input;
    input.fill(0);
    input.writeUInt32BE(window >>> 0, 0);
    input.set(ip, 4);
    input.writeUInt16BE(port, 20);
    return createHmac('sha256', this.#key).update(input).digest();
  }
}
