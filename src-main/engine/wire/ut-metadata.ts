import { createHash } from 'node:crypto';
import { ShoalError } from '../../../src-shared/errors';
import { bencode } from '../bencode';
import { decodeExtensionDict } from './extension-dict';

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
  if (m.type !== 'data') return bencode(dict);
  dict.total_size = m.totalSize;
  const head = bencode(dict);
  const out = new Uint8Array(head.length + m.data.length);
  out.set(head);
  out.set(m.data, head.length);
  return out;
}

export function parseMetadataMessage(payload: Uint8Array): MetadataMessage {
  // The piece data follows the dictionary.
  const { dict: d, end: dictLength } = decodeExtensionDict(payload, 'a metadata message');
  const type = d.get('msg_type');
  const piece = d.get('piece');
  if (typeof piece !== 'number' || !Number.isInteger(piece) || piece < 0 || piece >= MAX_METADATA_SIZE / METADATA_PIECE_SIZE) {
    throw bad('names no valid piece');
  }
  if (type === MSG_TYPE.request) return { type: 'request', piece };
  if (type === MSG_TYPE.reject) return { type: 'reject', piece };
  if (type !== MSG_TYPE.data) throw bad('has an unknown type');
  const totalSize = d.get('total_size');
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
 * the info-hash: the SHA-1, and the SHA-256 too when the link named a v2 hash (BEP 52; for a
 * v2-only link `infoHash` is that hash cut to 20 bytes, and only the SHA-256 counts). The size comes from a peer's extended handshake (`metadata_size`), so it is
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
    readonly infoHashV2?: Uint8Array,
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
    if (!this.#matches()) {
      this.#have.fill(0);
      this.#received = 0;
      throw new ShoalError('protocol', 'The metadata from peers does not match the info-hash.');
    }
    return this.#buffer;
  }

  #matches(): boolean {
    const v2 = this.infoHashV2;
    if (v2 === undefined) return createHash('sha1').update(this.#buffer).digest().equals(this.infoHash);
    if (!createHash('sha256').update(this.#buffer).digest().equals(v2)) return false;
    return Buffer.compare(v2.subarray(0, 20), this.infoHash) === 0 || createHash('sha1').update(this.#buffer).digest().equals(this.infoHash);
  }
}

function bad(what: string): ShoalError {
  return new ShoalError('protocol', `The peer sent a metadata message that ${what}.`);
}
