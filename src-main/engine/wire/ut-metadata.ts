import bencode from 'bencode';
import { createHash } from 'node:crypto';
import { ShoalError } from '../../../src-shared/errors';

/** BEP 9: the info dictionary travels in 16 KiB pieces. */
export const METADATA_PIECE_SIZE = 16 * 1024;
/** Larger info dictionaries are refused (BEP 9 leaves the limit to clients; libtorrent's is similar). */
export const MAX_METADATA_SIZE = 16 * 1024 * 1024;
/** The extension name in the BEP 10 `m` dictionary. */
export const UT_METADATA = 'ut_metadata';
/** The id we ask peers to send `ut_metadata` messages on (our BEP 10 `m` entry). */
export const UT_METADATA_LOCAL_ID = 2;

export type MetadataMessage =
  | { readonly type: 'request'; readonly piece: number }
  | { readonly type: 'data'; readonly piece: number; readonly totalSize: number; readonly data: Uint8Array }
  | { readonly type: 'reject'; readonly piece: number };

const MSG_TYPE = { request: 0, data: 1, reject: 2 } as const;

/** The payload of a `ut_metadata` extended message. */
export function encodeMetadataMessage(m: MetadataMessage): Uint8Array {
  const dict: Record<string, number> = { msg_type: MSG_TYPE[m.type], piece: m.piece };
  if (m.type !== 'data') return bencode.encode(dict);
  dict.total_size = m.totalSize;
  const head = bencode.encode(dict);
  const out = new Uint8Array(head.length + m.data.length);
  out.set(head);
  out.set(m.data, head.length);
  return out;
}

export function parseMetadataMessage(payload: Uint8Array): MetadataMessage {
  let dict: unknown;
  let dictLength: number;
  try {
    // The piece data follows the dictionary, so find where the dictionary ends first.
    dictLength = bencodeValueEnd(payload);
    dict = bencode.decode(payload.subarray(0, dictLength));
  } catch {
    throw bad('is not valid bencode');
  }
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict) || dict instanceof Uint8Array) throw bad('is not a dictionary');
  const d = dict as Record<string, unknown>;
  const type = own(d, 'msg_type');
  const piece = own(d, 'piece');
  if (typeof piece !== 'number' || !Number.isInteger(piece) || piece < 0 || piece >= MAX_METADATA_SIZE / METADATA_PIECE_SIZE) {
    throw bad('names no valid piece');
  }
  if (type === MSG_TYPE.request) return { type: 'request', piece };
  if (type === MSG_TYPE.reject) return { type: 'reject', piece };
  if (type !== MSG_TYPE.data) throw bad('has an unknown type');
  const totalSize = own(d, 'total_size');
  if (typeof totalSize !== 'number' || !Number.isInteger(totalSize) || totalSize <= 0 || totalSize > MAX_METADATA_SIZE) {
    throw bad('has no valid total size');
  }
  return { type: 'data', piece, totalSize, data: payload.subarray(dictLength) };
}

/** The bytes of metadata piece `piece` of `info`, to answer a request (undefined: no such piece). */
export function metadataPiece(info: Uint8Array, piece: number): Uint8Array | undefined {
  const start = piece * METADATA_PIECE_SIZE;
  if (!Number.isInteger(piece) || piece < 0 || start >= info.length) return undefined;
  return info.subarray(start, Math.min(info.length, start + METADATA_PIECE_SIZE));
}

/**
 * Collects the info dictionary of a magnet link from peers' `data` messages and checks it against
 * the info-hash. The size comes from a peer's extended handshake (`metadata_size`), so it is
 * bounded before anything is allocated.
 */
export class MetadataAssembler {
  readonly pieceCount: number;
  readonly #buffer: Uint8Array;
  readonly #have: Uint8Array;
  #received = 0;

  constructor(
    readonly infoHash: Uint8Array,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size <= 0 || size > MAX_METADATA_SIZE) {
      throw new ShoalError('protocol', `The peer announced metadata of an unacceptable size (${size} bytes).`);
    }
    this.pieceCount = Math.ceil(size / METADATA_PIECE_SIZE);
    this.#buffer = new Uint8Array(size);
    this.#have = new Uint8Array(this.pieceCount);
  }

  /** Pieces still to fetch, lowest first. */
  missing(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.pieceCount; i++) if (!this.#have[i]) out.push(i);
    return out;
  }

  /**
   * Stores one piece. Returns the verified info dictionary once every piece is in, or undefined
   * while pieces are missing. Throws a `ShoalError('protocol')` for a piece of the wrong size and
   * when the whole does not hash to the info-hash (all pieces are then dropped, to start over).
   */
  add(piece: number, data: Uint8Array, totalSize: number): Uint8Array | undefined {
    if (totalSize !== this.size) throw new ShoalError('protocol', 'The peer sent metadata of a different size than announced.');
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.pieceCount) throw new ShoalError('protocol', 'The peer sent a metadata piece that does not exist.');
    const expected = piece === this.pieceCount - 1 ? this.size - piece * METADATA_PIECE_SIZE : METADATA_PIECE_SIZE;
    if (data.length !== expected) throw new ShoalError('protocol', 'The peer sent a metadata piece of the wrong size.');
    if (!this.#have[piece]) {
      this.#buffer.set(data, piece * METADATA_PIECE_SIZE);
      this.#have[piece] = 1;
      this.#received++;
    }
    if (this.#received < this.pieceCount) return undefined;
    const digest = createHash('sha1').update(this.#buffer).digest();
    if (!digest.equals(this.infoHash)) {
      this.#have.fill(0);
      this.#received = 0;
      throw new ShoalError('protocol', 'The metadata from peers does not match the info-hash.');
    }
    return this.#buffer;
  }
}

/** Index just past the bencoded value at the start of `b`; iterative, nesting bounded. */
function bencodeValueEnd(b: Uint8Array): number {
  let i = 0;
  let depth = 0;
  do {
    const c = b[i];
    if (c === undefined) throw new Error('truncated');
    if (c === 0x64 || c === 0x6c) {
      if (++depth > 16) throw new Error('too deep');
      i++;
    } else if (c === 0x65) {
      if (depth-- === 0) throw new Error('stray end');
      i++;
    } else if (c === 0x69) {
      const end = b.indexOf(0x65, i + 1);
      if (end < 0) throw new Error('truncated integer');
      i = end + 1;
    } else if (c >= 0x30 && c <= 0x39) {
      const colon = b.indexOf(0x3a, i);
      if (colon < 0 || colon - i > 10) throw new Error('bad string length');
      const length = Number(new TextDecoder().decode(b.subarray(i, colon)));
      if (!Number.isSafeInteger(length) || colon + 1 + length > b.length) throw new Error('truncated string');
      i = colon + 1 + length;
    } else {
      throw new Error('not bencode');
    }
  } while (depth > 0);
  return i;
}

function own(dict: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(dict, key) ? dict[key] : undefined;
}

function bad(what: string): ShoalError {
  return new ShoalError('protocol', `The peer sent a metadata message that ${what}.`);
}
