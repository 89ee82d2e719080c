import { ShoalError } from '../../../src-shared/errors';
import { MAX_BLOCK_SIZE, MessageId, type WireMessage } from './messages';

/** Bitfield cap while the piece count is still unknown (magnet links): 8 Mi pieces. */
const MAX_UNKNOWN_BITFIELD = 1 << 20;
/** Extension messages (metadata pieces, PEX) are small; 256 KiB is generous. */
const MAX_EXTENDED = 256 * 1024;
/** Messages we do not know are skipped, but only if small. */
const MAX_UNKNOWN = 64 * 1024;
/** Chunks this small are copied together, so a peer trickling bytes cannot pile up chunk objects. */
const SMALL_CHUNK = 512;
const STAGING_SIZE = 16 * 1024;

const FIXED_LENGTH: Record<number, number> = {
  [MessageId.choke]: 1,
  [MessageId.unchoke]: 1,
  [MessageId.interested]: 1,
  [MessageId.notInterested]: 1,
  [MessageId.have]: 5,
  [MessageId.request]: 13,
  [MessageId.cancel]: 13,
  [MessageId.port]: 3,
  [MessageId.suggest]: 5,
  [MessageId.haveAll]: 1,
  [MessageId.haveNone]: 1,
  [MessageId.reject]: 13,
  [MessageId.allowedFast]: 5,
};

/**
 * Splits a byte stream into peer wire messages, whatever the TCP segmentation. Chunks are queued,
 * never concatenated: a message inside one chunk is a view into it, a message across chunks costs
 * one copy. A length prefix is checked against its message type's cap as soon as the id byte is
 * in, so a hostile peer cannot make us buffer more than one legal message.
 *
 * Payloads (`block`, `bytes`, `payload`) are views into received chunks; we never reuse those.
 */
export class MessageDecoder {
  #chunks: Uint8Array[] = [];
  #head = 0;
  #offset = 0;
  #buffered = 0;
  #stopped = false;
  #staging: Uint8Array | undefined;
  #stagingUsed = 0;
  /** Where the last queued chunk starts in `#staging`, or -1 when it is not a staging view. */
  #stagingViewStart = -1;

  /**
   * @param onMessage called for each complete message, in order; may call `stop()`.
   * @param pieceCount when known, bitfield lengths and piece indexes are checked exactly.
   */
  constructor(
    private readonly onMessage: (msg: WireMessage) => void,
    public pieceCount?: number,
  ) {}

  /** Bytes received but not yet part of a complete message. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Drops what is buffered and ignores further input (the connection is closing). */
  stop(): void {
    this.#stopped = true;
    this.#chunks = [];
    this.#head = 0;
    this.#offset = 0;
    this.#buffered = 0;
    this.#staging = undefined;
    this.#stagingViewStart = -1;
  }

  /** Feeds received bytes. Throws a `ShoalError('protocol')` on a malformed or oversized message. */
  push(chunk: Uint8Array): void {
    if (this.#stopped || chunk.length === 0) return;
    this.#enqueue(chunk);
    this.#buffered += chunk.length;
    while (!this.#stopped && this.#buffered >= 4) {
      const length = this.#peekU32();
      if (length === 0) {
        this.#skip(4);
        this.onMessage({ type: 'keepAlive' });
        continue;
      }
      if (this.#buffered < 5) return;
      const id = this.#peekByte(4);
      this.#checkLength(id, length);
      if (this.#buffered < 4 + length) return;
      this.#skip(4);
      const body = this.#take(length);
      const msg = this.#parse(id, body);
      if (msg) this.onMessage(msg);
    }
  }

  #enqueue(chunk: Uint8Array): void {
    if (chunk.length > SMALL_CHUNK) {
      this.#chunks.push(chunk);
      this.#stagingViewStart = -1;
      return;
    }
    if (!this.#staging || this.#stagingUsed + chunk.length > this.#staging.length) {
      this.#staging = new Uint8Array(STAGING_SIZE);
      this.#stagingUsed = 0;
      this.#stagingViewStart = -1;
    }
    // Append only: views of bytes already queued or delivered stay valid.
    this.#staging.set(chunk, this.#stagingUsed);
    const end = this.#stagingUsed + chunk.length;
    if (this.#stagingViewStart >= 0) {
      this.#chunks[this.#chunks.length - 1] = this.#staging.subarray(this.#stagingViewStart, end);
    } else {
      this.#stagingViewStart = this.#stagingUsed;
      this.#chunks.push(this.#staging.subarray(this.#stagingUsed, end));
    }
    this.#stagingUsed = end;
  }

  #checkLength(id: number, length: number): void {
    const fixed = FIXED_LENGTH[id];
    if (fixed !== undefined) {
      if (length !== fixed) throw protocolError(`a message of type ${id} with a wrong length (${length})`);
      return;
    }
    if (id === MessageId.piece) {
      if (length < 10 || length > 9 + MAX_BLOCK_SIZE) throw protocolError(`a block of ${length - 9} bytes`);
    } else if (id === MessageId.bitfield) {
      if (this.pieceCount !== undefined) {
        if (length !== 1 + Math.ceil(this.pieceCount / 8)) throw protocolError(`a bitfield of the wrong size (${length - 1} bytes)`);
      } else if (length > 1 + MAX_UNKNOWN_BITFIELD) {
        throw protocolError(`an oversized bitfield (${length - 1} bytes)`);
      }
    } else if (id === MessageId.extended) {
      if (length < 2 || length > 1 + MAX_EXTENDED) throw protocolError(`an extension message of ${length} bytes`);
    } else if (length > MAX_UNKNOWN) {
      throw protocolError(`an oversized unknown message (type ${id}, ${length} bytes)`);
    }
  }

  #parse(id: number, b: Uint8Array): WireMessage | undefined {
    switch (id) {
      case MessageId.choke:
        return { type: 'choke' };
      case MessageId.unchoke:
        return { type: 'unchoke' };
      case MessageId.interested:
        return { type: 'interested' };
      case MessageId.notInterested:
        return { type: 'notInterested' };
      case MessageId.haveAll:
        return { type: 'haveAll' };
      case MessageId.haveNone:
        return { type: 'haveNone' };
      case MessageId.have:
        return { type: 'have', index: this.#index(b, 1) };
      case MessageId.suggest:
        return { type: 'suggest', index: this.#index(b, 1) };
      case MessageId.allowedFast:
        return { type: 'allowedFast', index: this.#index(b, 1) };
      case MessageId.request:
      case MessageId.cancel:
      case MessageId.reject: {
        const index = this.#index(b, 1);
        const begin = readU32(b, 5);
        const length = readU32(b, 9);
        if (length === 0 || length > MAX_BLOCK_SIZE) throw protocolError(`a block reference of ${length} bytes`);
        const type = id === MessageId.request ? 'request' : id === MessageId.cancel ? 'cancel' : 'reject';
        return { type, index, begin, length };
      }
      case MessageId.piece:
        return { type: 'piece', index: this.#index(b, 1), begin: readU32(b, 5), block: b.subarray(9) };
      case MessageId.bitfield:
        return { type: 'bitfield', bytes: b.subarray(1) };
      case MessageId.port:
        return { type: 'port', port: (b[1]! << 8) | b[2]! };
      case MessageId.extended:
        return { type: 'extended', id: b[1]!, payload: b.subarray(2) };
      default:
        // BEP 3: unknown messages are ignored (their size was capped above).
        return undefined;
    }
  }

  #index(b: Uint8Array, at: number): number {
    const index = readU32(b, at);
    if (this.pieceCount !== undefined && index >= this.pieceCount) throw protocolError(`piece index ${index}, past the last piece`);
    return index;
  }

  #peekByte(k: number): number {
    let i = this.#head;
    let at = this.#offset + k;
    while (at >= this.#chunks[i]!.length) {
      at -= this.#chunks[i]!.length;
      i++;
    }
    return this.#chunks[i]![at]!;
  }

  #peekU32(): number {
    const c = this.#chunks[this.#head]!;
    if (c.length - this.#offset >= 4) return readU32(c, this.#offset);
    return ((this.#peekByte(0) << 24) | (this.#peekByte(1) << 16) | (this.#peekByte(2) << 8) | this.#peekByte(3)) >>> 0;
  }

  #skip(n: number): void {
    this.#buffered -= n;
    while (n > 0) {
      const c = this.#chunks[this.#head]!;
      const left = c.length - this.#offset;
      if (n < left) {
        this.#offset += n;
        return;
      }
      n -= left;
      this.#advanceChunk();
    }
  }

  #take(n: number): Uint8Array {
    const first = this.#chunks[this.#head]!;
    if (first.length - this.#offset >= n) {
      const view = first.subarray(this.#offset, this.#offset + n);
      this.#skip(n);
      return view;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.#chunks[this.#head]!;
      const part = Math.min(n - filled, c.length - this.#offset);
      out.set(c.subarray(this.#offset, this.#offset + part), filled);
      filled += part;
      this.#skip(part);
    }
    return out;
  }

  #advanceChunk(): void {
    this.#chunks[this.#head] = EMPTY; // let the consumed chunk be collected
    this.#head++;
    this.#offset = 0;
    if (this.#head === this.#chunks.length) {
      this.#chunks.length = 0;
      this.#head = 0;
      this.#stagingViewStart = -1;
    } else if (this.#head > 64) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}

const EMPTY = new Uint8Array(0);

function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function protocolError(what: string): ShoalError {
  return new ShoalError('protocol', `The peer sent ${what}.`);
}
