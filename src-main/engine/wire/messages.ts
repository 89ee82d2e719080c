/**
 * Peer wire messages (BEP 3, BEP 6, BEP 10, BEP 52's hash messages) as plain data, and their encoders. Decoding and
 * framing live in `message-decoder.ts`.
 */

export const MessageId = {
  choke: 0,
  unchoke: 1,
  interested: 2,
  notInterested: 3,
  have: 4,
  bitfield: 5,
  request: 6,
  piece: 7,
  cancel: 8,
  port: 9,
  suggest: 0x0d,
  haveAll: 0x0e,
  haveNone: 0x0f,
  reject: 0x10,
  allowedFast: 0x11,
  extended: 20,
  hashRequest: 21,
  hashes: 22,
  hashReject: 23,
} as const;

/** The usual block size; every client requests 16 KiB. */
export const BLOCK_SIZE = 16 * 1024;
/** Largest block we request or serve: some clients ask for more than 16 KiB, none sanely beyond this. */
export const MAX_BLOCK_SIZE = 128 * 1024;

export interface BlockRef {
  readonly index: number;
  readonly begin: number;
  readonly length: number;
}

/**
 * What BEP 52's `hash request`, `hashes` and `hash reject` name: in the Merkle tree whose root is
 * `piecesRoot` (one file's), `count` hashes of the layer `base` layers above the 16 KiB leaves,
 * from position `index`, with uncle hashes for `proofLayers` layers above them.
 */
export interface HashRef {
  readonly piecesRoot: Uint8Array;
  readonly base: number;
  readonly index: number;
  readonly count: number;
  readonly proofLayers: number;
}

/** A hash request's payload: a 32-byte root and four 32-bit numbers. */
export const HASH_REF_LENGTH = 32 + 16;
/**
 * Most hashes one `hashes` message may carry: BEP 52 says requests should not ask for more than
 * 512, and a proof adds at most one uncle per layer of a tree (64 covers any file).
 */
export const MAX_HASHES_PER_MESSAGE = 512 + 64;

export type WireMessage =
  | { readonly type: 'keepAlive' }
  | { readonly type: 'choke' }
  | { readonly type: 'unchoke' }
  | { readonly type: 'interested' }
  | { readonly type: 'notInterested' }
  | { readonly type: 'have'; readonly index: number }
  | { readonly type: 'bitfield'; readonly bytes: Uint8Array }
  | ({ readonly type: 'request' } & BlockRef)
  | { readonly type: 'piece'; readonly index: number; readonly begin: number; readonly block: Uint8Array }
  | ({ readonly type: 'cancel' } & BlockRef)
  | { readonly type: 'port'; readonly port: number }
  | { readonly type: 'suggest'; readonly index: number }
  | { readonly type: 'haveAll' }
  | { readonly type: 'haveNone' }
  | ({ readonly type: 'reject' } & BlockRef)
  | { readonly type: 'allowedFast'; readonly index: number }
  | { readonly type: 'extended'; readonly id: number; readonly payload: Uint8Array }
  | ({ readonly type: 'hashRequest' } & HashRef)
  | ({ readonly type: 'hashes'; readonly hashes: Uint8Array } & HashRef)
  | ({ readonly type: 'hashReject' } & HashRef);

const KEEP_ALIVE = new Uint8Array(4);

/** Encodes one message, length prefix included. A `piece` is copied; use `encodePieceHeader` to avoid that. */
export function encodeMessage(msg: WireMessage): Uint8Array {
  switch (msg.type) {
    case 'keepAlive':
      return KEEP_ALIVE;
    case 'choke':
    case 'unchoke':
    case 'interested':
    case 'notInterested':
    case 'haveAll':
    case 'haveNone':
      return header(1, MessageId[msg.type]);
    case 'have':
    case 'suggest':
    case 'allowedFast': {
      const out = header(5, MessageId[msg.type]);
      writeU32(out, 5, msg.index);
      return out;
    }
    case 'request':
    case 'cancel':
    case 'reject': {
      const out = new Uint8Array(17);
      writeBlockMessage(out, 0, MessageId[msg.type], msg.index, msg.begin, msg.length);
      return out;
    }
    case 'bitfield': {
      const out = header(1 + msg.bytes.length, MessageId.bitfield, msg.bytes.length);
      out.set(msg.bytes, 5);
      return out;
    }
    case 'piece': {
      const out = new Uint8Array(13 + msg.block.length);
      out.set(encodePieceHeader(msg.index, msg.begin, msg.block.length));
      out.set(msg.block, 13);
      return out;
    }
    case 'port': {
      if (!Number.isInteger(msg.port) || msg.port < 0 || msg.port > 0xffff) throw new RangeError(`invalid port ${msg.port}`);
      const out = header(3, MessageId.port);
      out[5] = msg.port >>> 8;
      out[6] = msg.port & 0xff;
      return out;
    }
    case 'extended': {
      if (!Number.isInteger(msg.id) || msg.id < 0 || msg.id > 0xff) throw new RangeError(`invalid extended id ${msg.id}`);
      const out = header(2 + msg.payload.length, MessageId.extended, 1 + msg.payload.length);
      out[5] = msg.id;
      out.set(msg.payload, 6);
      return out;
    }
    case 'hashRequest':
    case 'hashReject':
      return encodeHashMessage(MessageId[msg.type], msg, EMPTY);
    case 'hashes':
      if (msg.hashes.length % 32 !== 0 || msg.hashes.length / 32 > MAX_HASHES_PER_MESSAGE) throw new RangeError(`${msg.hashes.length} bytes are not a list of at most ${MAX_HASHES_PER_MESSAGE} hashes`);
      return encodeHashMessage(MessageId.hashes, msg, msg.hashes);
  }
}

const EMPTY = new Uint8Array(0);

function encodeHashMessage(id: number, ref: HashRef, hashes: Uint8Array): Uint8Array {
  if (ref.piecesRoot.length !== 32) throw new RangeError('a pieces root must be 32 bytes');
  const out = header(1 + HASH_REF_LENGTH + hashes.length, id);
  out.set(ref.piecesRoot, 5);
  writeU32(out, 37, ref.base);
  writeU32(out, 41, ref.index);
  writeU32(out, 45, ref.count);
  writeU32(out, 49, ref.proofLayers);
  out.set(hashes, 53);
  return out;
}

/** The 13 bytes before a block in a `piece` message, so the block can be written without a copy. */
export function encodePieceHeader(index: number, begin: number, blockLength: number): Uint8Array {
  // A Buffer (from Node's pool), so the socket's write need not wrap it in one.
  const out = Buffer.allocUnsafe(13);
  writeU32(out, 0, 9 + blockLength);
  out[4] = MessageId.piece;
  writeU32(out, 5, index);
  writeU32(out, 9, begin);
  return out;
}

/** Several `request` messages in one buffer: one write for a whole pipeline refill. */
export function encodeRequests(blocks: readonly BlockRef[]): Uint8Array {
  const out = new Uint8Array(17 * blocks.length);
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    writeBlockMessage(out, 17 * i, MessageId.request, b.index, b.begin, b.length);
  }
  return out;
}

function header(length: number, id: number, extra = length - 1): Uint8Array {
  const out = new Uint8Array(5 + extra);
  writeU32(out, 0, length);
  out[4] = id;
  return out;
}

function writeBlockMessage(out: Uint8Array, at: number, id: number, index: number, begin: number, length: number): void {
  writeU32(out, at, 13);
  out[at + 4] = id;
  writeU32(out, at + 5, index);
  writeU32(out, at + 9, begin);
  writeU32(out, at + 13, length);
}

function writeU32(out: Uint8Array, at: number, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${value} does not fit in 32 bits`);
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}
