import { seqDistance } from './packet';

/** Packets in flight at most (a ring indexed by sequence number): about 1.4 MB. */
export const SEND_SLOTS = 1024;
/** Duplicate ACKs (or packets selectively acknowledged past a hole) that mean the hole was lost. */
const DUPLICATES_FOR_LOSS = 3;
/** Acknowledged full-size packet buffers kept to carry new data (about 90 KB), so a steady transfer allocates none. */
const MAX_SPARE = 64;

/** What one ACK did, filled into a reused object. */
export interface AckOutcome {
  /** Payload bytes newly acknowledged (cumulatively or selectively). */
  ackedBytes: number;
  /** A round trip in ms from a packet sent once and now acknowledged, or -1. */
  rttMs: number;
  /** Packets found lost (fast retransmit): the lowest one's sequence number, or -1. */
  lostSeq: number;
}

/**
 * The packets we sent and the peer has not acknowledged yet: each kept whole for retransmission,
 * with when it was last sent and how often; ACKs and selective ACKs free them, three duplicate
 * ACKs or three packets acknowledged past a hole mark the hole lost, and a timeout marks all.
 */
export class SendWindow {
  /** The sequence number the next new packet gets. */
  seq: number;
  /** The peer's cumulative ACK: everything up to it arrived. */
  acked: number;
  /** Payload bytes sent and neither acknowledged nor given up as lost. */
  inFlight = 0;
  readonly #packets = new Array<Uint8Array | undefined>(SEND_SLOTS);
  readonly #size = new Uint32Array(SEND_SLOTS);
  readonly #sentAt = new Float64Array(SEND_SLOTS);
  readonly #sends = new Uint8Array(SEND_SLOTS);
  readonly #lost = new Uint8Array(SEND_SLOTS);
  #lostCount = 0;
  #duplicates = 0;
  #now = 0;
  /** A packet sent again is not declared lost again before this long (about a round trip). */
  resendGuardMs = 0;
  /** Buffers of packets acknowledged, `#fullSize` bytes long, ready for `buffer`. */
  readonly #spare: Uint8Array[] = [];
  readonly #fullSize: number;

  /** `fullSize`: the length of a packet with a full payload, whose buffers are reused. */
  constructor(seq: number, fullSize: number) {
    this.seq = seq;
    this.acked = (seq - 1) & 0xffff;
    this.#fullSize = fullSize;
  }

  /**
   * A buffer for a new packet of `length` bytes: a full-size one acknowledged earlier when there is
   * one. (Reusing it is safe: a packet is acknowledged only after the socket sent it.)
   */
  buffer(length: number): Uint8Array {
    if (length !== this.#fullSize) return Buffer.allocUnsafe(length);
    // Not from Node's shared pool: a kept buffer would hold a whole pool slab alive.
    return this.#spare.pop() ?? Buffer.allocUnsafeSlow(length);
  }

  /** Packets sent and not cumulatively acknowledged. */
  get outstanding(): number {
    return (this.seq - this.acked - 1) & 0xffff;
  }

  /** No room for another packet in the ring. */
  get full(): boolean {
    return this.outstanding >= SEND_SLOTS - 1;
  }

  get hasLost(): boolean {
    return this.#lostCount > 0;
  }

  /** When the oldest packet still in flight was last sent (ms), or -1 with none in flight. */
  oldestSentAt(): number {
    for (let s = (this.acked + 1) & 0xffff; s !== this.seq; s = (s + 1) & 0xffff) {
      const slot = s & (SEND_SLOTS - 1);
      if (this.#packets[slot] !== undefined && this.#lost[slot] === 0) return this.#sentAt[slot]!;
    }
    return -1;
  }

  /** Takes a new packet (its sequence number is `seq`, then `seq` moves on). */
  add(packet: Uint8Array, payloadBytes: number): number {
    const seq = this.seq;
    const slot = seq & (SEND_SLOTS - 1);
    this.#packets[slot] = packet;
    this.#size[slot] = payloadBytes;
    this.#sends[slot] = 0;
    this.#lost[slot] = 0;
    this.seq = (seq + 1) & 0xffff;
    return seq;
  }

  packet(seq: number): Uint8Array | undefined {
    return this.#packets[seq & (SEND_SLOTS - 1)];
  }

  /** The packet `seq` went out (again) at `nowMs`. */
  sent(seq: number, nowMs: number): void {
    const slot = seq & (SEND_SLOTS - 1);
    if (this.#lost[slot] === 1) {
      this.#lost[slot] = 0;
      this.#lostCount--;
    }
    if (this.#sends[slot]! < 255) this.#sends[slot]!++;
    this.#sentAt[slot] = nowMs;
    this.inFlight += this.#size[slot]!;
  }

  /** The lowest packet marked lost, to send again; -1 when none is. */
  firstLost(): number {
    if (this.#lostCount === 0) return -1;
    for (let s = (this.acked + 1) & 0xffff; s !== this.seq; s = (s + 1) & 0xffff) {
      if (this.#lost[s & (SEND_SLOTS - 1)] === 1) return s;
    }
    return -1;
  }

  /**
   * An ACK: `ack` cumulative, `sack` past it. An ACK behind the last one (a packet overtaken, or
   * stamped before a later ACK) says nothing new; one of packets never sent is refused (false): a
   * peer cannot make us forget data it did not get.
   */
  ack(ack: number, sack: Uint8Array, nowMs: number, out: AckOutcome): boolean {
    this.#now = nowMs;
    out.ackedBytes = 0;
    out.rttMs = -1;
    out.lostSeq = -1;
    const advance = seqDistance(ack, this.acked);
    if (advance > this.outstanding) return false;
    if (advance < 0) return true;
    for (let i = 0; i < advance; i++) {
      this.acked = (this.acked + 1) & 0xffff;
      this.#free(this.acked, nowMs, out);
    }
    let sacked = 0;
    if (sack.length > 0) sacked = this.#selective(ack, sack, nowMs, out);
    if (advance === 0 && out.ackedBytes === 0 && this.outstanding > 0) this.#duplicates++;
    else if (advance > 0) this.#duplicates = 0;
    const hole = (ack + 1) & 0xffff;
    if ((this.#duplicates >= DUPLICATES_FOR_LOSS || sacked >= DUPLICATES_FOR_LOSS) && this.#markLost(hole)) {
      this.#duplicates = 0;
      if (out.lostSeq === -1 || seqDistance(hole, out.lostSeq) < 0) out.lostSeq = hole;
    }
    return true;
  }

  /** Nothing was acknowledged for a whole RTO: every packet in flight counts as lost. */
  timedOut(): void {
    this.#now = Infinity;
    for (let s = (this.acked + 1) & 0xffff; s !== this.seq; s = (s + 1) & 0xffff) this.#markLost(s);
    this.#duplicates = 0;
  }

  /** Selective ACK bits for ack + 2 onwards; a hole with three acknowledged after it is lost. Returns how many are set. */
  #selective(ack: number, sack: Uint8Array, nowMs: number, out: AckOutcome): number {
    const bits = sack.length * 8;
    const sentAhead = this.outstanding; // packets after the cumulative ACK
    let above = 0;
    for (let i = Math.min(bits, sentAhead - 1) - 1; i >= 0; i--) {
      const seq = (ack + 2 + i) & 0xffff;
      if ((sack[i >> 3]! >> (i & 7)) & 1) {
        above++;
        this.#free(seq, nowMs, out);
      } else if (above >= DUPLICATES_FOR_LOSS && this.#markLost(seq)) {
        out.lostSeq = seq;
      }
    }
    return above;
  }

  #free(seq: number, nowMs: number, out: AckOutcome): void {
    const slot = seq & (SEND_SLOTS - 1);
    const packet = this.#packets[slot];
    if (packet === undefined) return;
    this.#packets[slot] = undefined;
    if (packet.length === this.#fullSize && this.#spare.length < MAX_SPARE) this.#spare.push(packet);
    const size = this.#size[slot]!;
    out.ackedBytes += size;
    if (this.#lost[slot] === 1) {
      this.#lost[slot] = 0;
      this.#lostCount--;
    } else {
      this.inFlight -= size;
      if (this.#sends[slot] === 1) out.rttMs = nowMs - this.#sentAt[slot]!;
    }
  }

  /** Marks a packet in flight lost (once per transmission); false if it is not in flight. */
  #markLost(seq: number): boolean {
    const slot = seq & (SEND_SLOTS - 1);
    if (this.#packets[slot] === undefined || this.#lost[slot] === 1 || this.#sends[slot] === 0) return false;
    // Its new copy may still be on its way: the ACKs seen now were sent before it arrived.
    if (this.#sends[slot]! > 1 && this.#now - this.#sentAt[slot]! < this.resendGuardMs) return false;
    this.#lost[slot] = 1;
    this.#lostCount++;
    this.inFlight -= this.#size[slot]!;
    return true;
  }
}
