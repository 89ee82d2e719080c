import bencode from 'bencode';
import { ShoalError } from '../../../src-shared/errors';

/** BEP 10 extended handshake (extended message id 0). Only the fields we use are kept. */
export interface ExtendedHandshake {
  /** Extension name → the message id the sender wants to receive it on; 0 means disabled. */
  readonly m: Readonly<Record<string, number>>;
  /** Client name and version. */
  readonly v?: string;
  /** The sender's listening port. */
  readonly p?: number;
  /** How many outstanding requests the sender queues without dropping. */
  readonly reqq?: number;
  /** Our address as the sender sees it (4 or 16 bytes). */
  readonly yourip?: Uint8Array;
  /** BEP 9: size of the info dictionary. */
  readonly metadataSize?: number;
}

export function encodeExtendedHandshake(h: ExtendedHandshake): Uint8Array {
  const dict: Record<string, unknown> = { m: { ...h.m } };
  if (h.v !== undefined) dict.v = h.v;
  if (h.p !== undefined) dict.p = h.p;
  if (h.reqq !== undefined) dict.reqq = h.reqq;
  if (h.yourip !== undefined) dict.yourip = h.yourip;
  if (h.metadataSize !== undefined) dict.metadata_size = h.metadataSize;
  return bencode.encode(dict);
}

/**
 * Reads a peer's extended handshake. Fields of the wrong type are dropped rather than fatal,
 * since clients disagree on details; a payload that is not a bencoded dictionary is an error.
 */
export function parseExtendedHandshake(payload: Uint8Array): ExtendedHandshake {
  let decoded: unknown;
  try {
    decoded = bencode.decode(payload);
  } catch {
    throw new ShoalError('protocol', 'The peer sent an extended handshake that is not valid bencode.');
  }
  if (!isDict(decoded)) throw new ShoalError('protocol', 'The peer sent an extended handshake that is not a dictionary.');
  const m: Record<string, number> = Object.create(null) as Record<string, number>;
  const rawM = own(decoded, 'm');
  if (isDict(rawM)) {
    for (const [name, id] of Object.entries(rawM)) {
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 255) m[name] = id;
    }
  }
  const v = own(decoded, 'v');
  const p = uint(own(decoded, 'p'), 0xffff);
  const reqq = uint(own(decoded, 'reqq'), 0xffffffff);
  const yourip = own(decoded, 'yourip');
  const metadataSize = uint(own(decoded, 'metadata_size'), Number.MAX_SAFE_INTEGER);
  return {
    m,
    ...(v instanceof Uint8Array ? { v: new TextDecoder().decode(v).slice(0, 100) } : {}),
    ...(p !== undefined && p > 0 ? { p } : {}),
    ...(reqq !== undefined && reqq > 0 ? { reqq } : {}),
    ...(yourip instanceof Uint8Array && (yourip.length === 4 || yourip.length === 16) ? { yourip: yourip.slice() } : {}),
    ...(metadataSize !== undefined ? { metadataSize } : {}),
  };
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function own(dict: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(dict, key) ? dict[key] : undefined;
}

function uint(value: unknown, max: number): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max ? value : undefined;
}
