import { asText, bencode, isDict, type BEncodable, type BValue } from '../bencode';
import { decodeExtensionDict } from './extension-dict';

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
  /** BEP 21: the sender wants nothing more (a seed, or complete for the files it wants). */
  readonly uploadOnly?: boolean;
}

export function encodeExtendedHandshake(h: ExtendedHandshake): Uint8Array {
  const dict: Record<string, BEncodable | undefined> = {
    m: { ...h.m },
    v: h.v,
    p: h.p,
    reqq: h.reqq,
    yourip: h.yourip,
    metadata_size: h.metadataSize,
    upload_only: h.uploadOnly ? 1 : undefined,
  };
  return bencode(dict);
}

/**
 * Reads a peer's extended handshake. Fields of the wrong type are dropped rather than fatal,
 * since clients disagree on details; a payload that is not a bencoded dictionary is an error.
 */
export function parseExtendedHandshake(payload: Uint8Array): ExtendedHandshake {
  const { dict: decoded } = decodeExtensionDict(payload, 'an extended handshake');
  const m: Record<string, number> = Object.create(null) as Record<string, number>;
  const rawM = decoded.get('m');
  if (isDict(rawM)) {
    for (const [name, id] of rawM) {
      // Extension names are text; keys arrive as one character per byte.
      if (typeof id === 'number' && id >= 0 && id <= 255) m[Buffer.from(name, 'latin1').toString('utf8')] = id;
    }
  }
  const v = asText(decoded.get('v'));
  const p = uint(decoded.get('p'), 0xffff);
  const reqq = uint(decoded.get('reqq'), 0xffffffff);
  const yourip = decoded.get('yourip');
  const metadataSize = uint(decoded.get('metadata_size'), Number.MAX_SAFE_INTEGER);
  const uploadOnly = uint(decoded.get('upload_only'), Number.MAX_SAFE_INTEGER);
  return {
    m,
    ...(v !== undefined ? { v: v.slice(0, 100) } : {}),
    ...(p !== undefined && p > 0 ? { p } : {}),
    ...(reqq !== undefined && reqq > 0 ? { reqq } : {}),
    ...(yourip instanceof Uint8Array && (yourip.length === 4 || yourip.length === 16) ? { yourip: yourip.slice() } : {}),
    ...(metadataSize !== undefined ? { metadataSize } : {}),
    ...(uploadOnly !== undefined && uploadOnly > 0 ? { uploadOnly: true } : {}),
  };
}

function uint(value: BValue | undefined, max: number): number | undefined {
  return typeof value === 'number' && value >= 0 && value <= max ? value : undefined;
}
