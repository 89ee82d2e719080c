/**
 * uTP packets (BEP 29): the 20-byte header, the extension chain (selective ACK is the one we read
 * and write; others are skipped) and the payload. Decoding fills a caller's reusable `UtpPacket`
 * and validates every length against the datagram, so hostile input costs no allocation.
 */

export const ST_DATA = 0;
export const ST_FIN = 1;
export const ST_STATE = 2;
export const ST_RESET = 3;
export const ST_SYN = 4;
export type PacketType = 0 | 1 | 2 | 3 | 4;

export const HEADER_SIZE = 20;
const VERSION = 1;
const EXT_NONE = 0;
const EXT_SACK = 1;
/**
 * The longest selective ACK we send: 256 packets past ack_nr + 1 (libutp sends 32; BEP 29 allows
 * any multiple of 4 bytes, and after a burst loss a longer one saves a timeout).
 */
export const SACK_BYTES = 32;
/** The most SACK bytes we read. */
const MAX_SACK_BYTES = 128;

/** One decoded packet. Views (`sack`, `payload`) point into the datagram it came from. */
export interface UtpPacket {
  type: PacketType;
  connectionId: number;
  /** Microseconds, the sender's clock, modulo 2^32. */
  timestamp: number;
  /** The sender's `now - our last timestamp` (one-way delay plus clock offset), modulo 2^32. */
  timestampDiff: number;
  /** Bytes the sender can still take in. */
  window: number;
  seq: number;
  ack: number;
  /** The selective ACK bitmask, or an empty view. */
  sack: Uint8Array;
  payload: Uint8Array;
}

export function emptyPacket(): UtpPacket {
  const none = new Uint8Array(0);
  return { type: ST_DATA, connectionId: 0, timestamp: 0, timestampDiff: 0, window: 0, seq: 0, ack: 0, sack: none, payload: none };
}

/** The selective ACK or payload of a packet that has none (shared: nothing writes into it). */
const NOTHING = new Uint8Array(0);

/** Why a datagram is not a uTP packet we can read; undefined when `into` now holds it. */
export function decodePacket(bytes: Uint8Array, into: UtpPacket): string | undefined {
  if (bytes.length < HEADER_SIZE) return 'shorter than a uTP header';
  const first = bytes[0]!;
  if ((first & 0x0f) !== VERSION) return `uTP version ${first & 0x0f}`;
  const type = first >> 4;
  if (type > ST_SYN) return `unknown packet type ${type}`;
  let next = bytes[1]!;
  let at = HEADER_SIZE;
  let sack: Uint8Array | undefined;
  // Each extension: the next one's type, this one's length, then its bytes.
  while (next !== EXT_NONE) {
    if (at + 2 > bytes.length) return 'extension header past the end';
    const kind = next;
    const length = bytes[at + 1]!;
    next = bytes[at]!;
    at += 2;
    if (at + length > bytes.length) return 'extension longer than the packet';
    if (kind === EXT_SACK) {
      // BEP 29 says a multiple of 4; libtorrent sends as few bytes as its holes need.
      if (length === 0 || length > MAX_SACK_BYTES) return `selective ACK of ${length} bytes`;
      if (sack) return 'two selective ACKs';
      sack = bytes.subarray(at, at + length);
    }
    at += length;
  }
  if (type !== ST_DATA && type !== ST_FIN && type !== ST_SYN && at !== bytes.length) return 'payload on a packet that carries none';
  into.type = type as PacketType;
  into.connectionId = (bytes[2]! << 8) | bytes[3]!;
  into.timestamp = readU32(bytes, 4);
  into.timestampDiff = readU32(bytes, 8);
  into.window = readU32(bytes, 12);
  into.seq = (bytes[16]! << 8) | bytes[17]!;
  into.ack = (bytes[18]! << 8) | bytes[19]!;
  into.sack = sack ?? NOTHING;
  // An ACK (most of what a sender receives) carries no payload: no view to make.
  into.payload = at === bytes.length ? NOTHING : bytes.subarray(at);
  return undefined;
}

/** The header fields a sender fills in (the timestamps are written just before each send). */
export interface HeaderFields {
  readonly type: PacketType;
  readonly connectionId: number;
  readonly window: number;
  readonly seq: number;
  readonly ack: number;
}

/**
 * Writes a header (and the SACK extension when `sackBytes` is given) at the start of `into`;
 * returns where the payload starts. Timestamps are left for `stampPacket`.
 */
export function writeHeader(into: Uint8Array, h: HeaderFields, sackBytes?: Uint8Array): number {
  into[0] = (h.type << 4) | VERSION;
  into[1] = sackBytes ? EXT_SACK : EXT_NONE;
  into[2] = h.connectionId >> 8;
  into[3] = h.connectionId & 0xff;
  writeU32(into, 12, h.window);
  into[16] = h.seq >> 8;
  into[17] = h.seq & 0xff;
  into[18] = h.ack >> 8;
  into[19] = h.ack & 0xff;
  if (!sackBytes) return HEADER_SIZE;
  into[20] = EXT_NONE;
  into[21] = sackBytes.length;
  into.set(sackBytes, 22);
  return 22 + sackBytes.length;
}

/** Refreshes what changes on every (re)send: timestamps, our window and the ACK we carry. */
export function stampPacket(packet: Uint8Array, nowMicros: number, timestampDiff: number, window: number, ack: number): void {
  writeU32(packet, 4, nowMicros);
  writeU32(packet, 8, timestampDiff);
  writeU32(packet, 12, window);
  packet[18] = ack >> 8;
  packet[19] = ack & 0xff;
}

/** Sequence numbers are 16 bits and wrap: `a - b` as a signed distance. */
export function seqDistance(a: number, b: number): number {
  return (((a - b) & 0xffff) << 16) >> 16;
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}
