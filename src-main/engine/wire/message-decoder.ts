import { ShoalError } from '../../../src-shared/errors';
import type { BlockPool } from './block-pool';
import { HASH_REF_LENGTH, MAX_BLOCK_SIZE, MAX_HASHES_PER_MESSAGE, MessageId, type HashRef, type WireMessage } from './messages';

/** Bitfield cap while the piece count is still unknown (magnet links): 8 Mi pieces. */
const MAX_UNKNOWN_BITFIELD = 1 << 20;
/** Extension messages (metadata pieces, PEX) are small; 256 KiB is generous. */
const MAX_EXTENDED = 256 * 1024;
/** Messages we do not know are skipped, but only if small. */
const MAX_UNKNOWN = 64 * 1024;
/** Room for a partial message once one arrives: a 16 KiB block with its header. Larger messages get larger room for a while. */
const PARTIAL_SIZE = 16 * 1024 + 13;

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
  [MessageId.hashRequest]: 1 + HASH_REF_LENGTH,
  [MessageId.hashReject]: 1 + HASH_REF_LENGTH,
};

/**
 * Splits a byte stream into peer wire messages, whatever the TCP segmentation. Complete messages
 * are read in place from the chunk given to `push`; only the unfinished message at its end is
 * copied aside. So the caller may reuse the chunk's memory as soon as `push` returns (a socket
 * reading into one static buffer), and a hostile peer cannot make us keep more than one legal
 * message: its length prefix is checked against its type's cap as soon as the id byte is in.
 *
 * Payloads (`block`, `bytes`, `payload`) are the receiver's own copies; blocks come from the
 * `BlockPool` when one is given, and belong to the receiver until it releases them.
 */
export class MessageDecoder {
  /** The start of a message whose end has not arrived yet (no room at all until one does). */
  #partial = EMPTY;
  #partialLength = 0;
  #stopped = false;

  /**
   * @param onMessage called for each complete message, in order; may call `stop()`.
   * @param pieceCount when known, bitfield lengths and piece indexes are checked exactly.
   * @param blocks where block payloads are copied to; plain allocations without it.
   */
  constructor(
    private readonly onMessage: (msg: WireMessage) => void,
    public pieceCount?: number,
    private readonly blocks?: BlockPool,
  ) {}

  /** Bytes received but not yet part of a complete message. */
  get buffered(): number {
    return this.#partialLength;
  }

  /** Drops what is buffered and ignores further input (the connection is closing). */
  stop(): void {
    this.#stopped = true;
    this.#partialLength = 0;
    this.#partial = EMPTY;
  }

  /**
   * Feeds received bytes; `chunk` is not kept past the call. Throws a `ShoalError('protocol')` on
   * a malformed or oversized message.
   */
  push(chunk: Uint8Array): void {
    if (this.#stopped) return;
    let at = this.#partialLength > 0 ? this.#continuePartial(chunk) : 0;
    if (this.#partialLength > 0) return;
    while (!this.#stopped) {
      const left = chunk.length - at;
      if (left < 4) break;
      const length = readU32(chunk, at);
      if (length === 0) {
        at += 4;
        this.onMessage({ type: 'keepAlive' });
        continue;
      }
      if (left < 5) break;
      const id = chunk[at + 4]!;
      this.#checkLength(id, length);
      if (left < 4 + length) break;
      // Blocks are read straight from the chunk: no view of the message per block.
      const msg = id === MessageId.piece ? this.#piece(chunk, at + 5, at + 4 + length) : this.#parse(id, chunk.subarray(at + 4, at + 4 + length));
      at += 4 + length;
      if (msg) this.onMessage(msg);
    }
    if (!this.#stopped && at < chunk.length) this.#keep(chunk.subarray(at));
  }

  /** Adds the start of `chunk` to the partial message; returns how many bytes of `chunk` it took. */
  #continuePartial(chunk: Uint8Array): number {
    let at = 0;
    // The header first: the length prefix and, unless it is a keep-alive, the id byte.
    while (this.#partialLength < 5 && at < chunk.length && !(this.#partialLength === 4 && readU32(this.#partial, 0) === 0)) {
      this.#partial[this.#partialLength++] = chunk[at++]!;
    }
    if (this.#partialLength < 4) return at;
    const length = readU32(this.#partial, 0);
    if (length === 0) {
      this.#partialLength = 0;
      this.onMessage({ type: 'keepAlive' });
      return at;
    }
    if (this.#partialLength < 5) return at;
    const id = this.#partial[4]!;
    this.#checkLength(id, length);
    this.#reserve(4 + length);
    const take = Math.min(4 + length - this.#partialLength, chunk.length - at);
    this.#partial.set(chunk.subarray(at, at + take), this.#partialLength);
    this.#partialLength += take;
    at += take;
    if (this.#partialLength < 4 + length) return at;
    this.#partialLength = 0;
    const msg = this.#parse(id, this.#partial.subarray(4, 4 + length));
    // A large message (a big bitfield) grew the buffer; do not keep that much per connection.
    if (this.#partial.length > PARTIAL_SIZE) this.#partial = EMPTY;
    if (msg) this.onMessage(msg);
    return at;
  }

  /** Copies an unfinished message aside (`push` already checked its header if the id is in). */
  #keep(rest: Uint8Array): void {
    this.#reserve(rest.length >= 5 ? 4 + readU32(rest, 0) : rest.length);
    this.#partial.set(rest, 0);
    this.#partialLength = rest.length;
  }

  /** Makes room for a message of `bytes` (already checked against its cap), keeping what is there. */
  #reserve(bytes: number): void {
    if (this.#partial.length >= bytes) return;
    const bigger = new Uint8Array(Math.max(bytes, PARTIAL_SIZE));
    bigger.set(this.#partial.subarray(0, this.#partialLength));
    this.#partial = bigger;
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
    } else if (id === MessageId.hashes) {
      const hashBytes = length - 1 - HASH_REF_LENGTH;
      if (hashBytes < 32 || hashBytes % 32 !== 0 || hashBytes / 32 > MAX_HASHES_PER_MESSAGE) throw protocolError(`a hashes message of ${length} bytes`);
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
        return this.#piece(b, 1, b.length);
      case MessageId.bitfield:
        return { type: 'bitfield', bytes: b.slice(1) };
      case MessageId.port:
        return { type: 'port', port: (b[1]! << 8) | b[2]! };
      case MessageId.extended:
        return { type: 'extended', id: b[1]!, payload: b.slice(2) };
      case MessageId.hashRequest:
        return { type: 'hashRequest', ...readHashRef(b) };
      case MessageId.hashReject:
        return { type: 'hashReject', ...readHashRef(b) };
      case MessageId.hashes: {
        const ref = readHashRef(b);
        const hashes = new Uint8Array(b.subarray(1 + HASH_REF_LENGTH));
        // The base hashes alone must fit; whether the uncles fit the range is the tree's to judge.
        if (ref.count > hashes.length / 32) throw protocolError(`a hashes message with ${hashes.length / 32} hashes for a range of ${ref.count}`);
        return { type: 'hashes', ...ref, hashes };
      }
      default:
        // BEP 3: unknown messages are ignored (their size was capped above).
        return undefined;
    }
  }

  /** A piece message whose index starts at `at` and which ends at `end` of `b`. */
  #piece(b: Uint8Array, at: number, end: number): WireMessage {
    return { type: 'piece', index: this.#index(b, at), begin: readU32(b, at + 4), block: this.#copyBlock(b.subarray(at + 8, end)) };
  }

  #index(b: Uint8Array, at: number): number {
    const index = readU32(b, at);
    if (this.pieceCount !== undefined && index >= this.pieceCount) throw protocolError(`piece index ${index}, past the last piece`);
    return index;
  }

  #copyBlock(data: Uint8Array): Uint8Array {
    const block = this.blocks ? this.blocks.acquire(data.length) : new Uint8Array(data.length);
    block.set(data);
    return block;
  }
}

const EMPTY = new Uint8Array(0);

/** The root and the four numbers of a hash message (BEP 52), after its id byte; whether they fit a tree is judged where the tree is known. */
function readHashRef(b: Uint8Array): HashRef {
  return { piecesRoot: new Uint8Array(b.subarray(1, 33)), base: readU32(b, 33), index: readU32(b, 37), count: readU32(b, 41), proofLayers: readU32(b, 45) };
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function protocolError(what: string): ShoalError {
  return new ShoalError('protocol', `The peer sent ${what}.`);
}
