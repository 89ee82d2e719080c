import { ShoalError } from '../../../src-shared/errors';

/** BEP 3 handshake: pstrlen, "BitTorrent protocol", 8 reserved bytes, info-hash, peer id. */
export const HANDSHAKE_LENGTH = 68;
const PSTR = 'BitTorrent protocol';
const PSTR_BYTES = new TextEncoder().encode(PSTR);

/** Extensions announced through reserved bits. */
export interface HandshakeExtensions {
  /** BEP 10 extension protocol: reserved[5] & 0x10. */
  readonly extended: boolean;
  /** BEP 6 fast extension: reserved[7] & 0x04. */
  readonly fast: boolean;
  /** BEP 5 DHT (we only read it; it enables the `port` message): reserved[7] & 0x01. */
  readonly dht: boolean;
  /**
   * BEP 52: the sender of a hybrid torrent's v1 info-hash also speaks v2, and the answer may name
   * the v2 info-hash instead to make it a v2 connection: reserved[7] & 0x10.
   */
  readonly v2: boolean;
}

export interface Handshake extends HandshakeExtensions {
  /** All 8 reserved bytes as sent, so bits we do not know survive for later extensions. */
  readonly reserved: Uint8Array;
  readonly infoHash: Uint8Array;
  readonly peerId: Uint8Array;
}

export function encodeHandshake(
  infoHash: Uint8Array,
  peerId: Uint8Array,
  extensions: Partial<HandshakeExtensions> = {},
): Uint8Array {
  if (infoHash.length !== 20) throw new RangeError('info-hash must be 20 bytes');
  if (peerId.length !== 20) throw new RangeError('peer id must be 20 bytes');
  const out = new Uint8Array(HANDSHAKE_LENGTH);
  out[0] = PSTR_BYTES.length;
  out.set(PSTR_BYTES, 1);
  if (extensions.extended) out[20 + 5]! |= 0x10;
  if (extensions.fast) out[20 + 7]! |= 0x04;
  if (extensions.dht) out[20 + 7]! |= 0x01;
  if (extensions.v2) out[20 + 7]! |= 0x10;
  out.set(infoHash, 28);
  out.set(peerId, 48);
  return out;
}

/**
 * Checks what we have of a handshake so far, so a stranger speaking another protocol is refused
 * on its first byte instead of after 68.
 */
export function checkHandshakePrefix(bytes: Uint8Array): void {
  const n = Math.min(bytes.length, 1 + PSTR_BYTES.length);
  if (n > 0 && bytes[0] !== PSTR_BYTES.length) {
    throw new ShoalError('protocol', 'The peer does not speak the BitTorrent protocol (bad handshake).');
  }
  for (let i = 1; i < n; i++) {
    if (bytes[i] !== PSTR_BYTES[i - 1]) {
      throw new ShoalError('protocol', 'The peer does not speak the BitTorrent protocol (bad handshake).');
    }
  }
}

/** Parses exactly the first 68 bytes of `bytes`. */
export function parseHandshake(bytes: Uint8Array): Handshake {
  if (bytes.length < HANDSHAKE_LENGTH) throw new ShoalError('protocol', 'The peer sent a truncated handshake.');
  checkHandshakePrefix(bytes);
  const reserved = bytes.slice(20, 28);
  return {
    reserved,
    extended: (reserved[5]! & 0x10) !== 0,
    fast: (reserved[7]! & 0x04) !== 0,
    dht: (reserved[7]! & 0x01) !== 0,
    v2: (reserved[7]! & 0x10) !== 0,
    infoHash: bytes.slice(28, 48),
    peerId: bytes.slice(48, 68),
  };
}
