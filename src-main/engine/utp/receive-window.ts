import { SACK_BYTES, seqDistance } from './packet';

/** Out-of-order packets kept at most (also how far past `ack` a packet may be): about 1.4 MB. */
export const REORDER_SLOTS = 1024;

export type Arrival = 'in-order' | 'stored' | 'duplicate' | 'out-of-window';

/**
 * What we have received of one connection: the last sequence number received in order (the ACK
 * we send), packets that came early (kept until the gap before them fills), the selective ACK that
 * tells the sender which those are, and where the peer's FIN put the end of its stream.
 */
export class ReceiveWindow {
  /** The last sequence number received in order. */
  ack: number;
  readonly #slots: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(REORDER_SLOTS);
  #stored = 0;
  #storedBytes = 0;
  /** The FIN's sequence number, once one arrived (-1 before). */
  #finSeq = -1;
  #ended = false;
  readonly #sack = new Uint8Array(SACK_BYTES);
  /** The highest sequence number stored early, while any is. */
  #highest = 0;

  constructor(ack: number) {
    this.ack = ack;
  }

  /** Bytes held out of order. */
  get storedBytes(): number {
    return this.#storedBytes;
  }

  /** The peer's FIN and everything before it arrived: its stream ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * A DATA packet: in order, its payload and any stored ones it unblocks go to `deliver`; early, it
   * is kept; behind `ack`, it is a duplicate (our ACK was lost); too far ahead, or more bytes than
   * the room left in our buffer (a peer ignoring the window we gave), it is dropped. Early packets
   * get less room (`earlyRoom`) than the next one in order, so they never shut out the packet that
   * fills the gap before them.
   */
  data(seq: number, payload: Uint8Array, deliver: (payload: Uint8Array) => void, room: number, earlyRoom: number): Arrival {
    const ahead = seqDistance(seq, this.ack) - 1;
    if (ahead < 0) return 'duplicate';
    if (ahead >= REORDER_SLOTS || this.#ended || (this.#finSeq >= 0 && seqDistance(seq, this.#finSeq) >= 0)) return 'out-of-window';
    const slot = seq & (REORDER_SLOTS - 1);
    if (ahead > 0 && this.#slots[slot] !== undefined) return 'duplicate';
    if (payload.length > (ahead > 0 ? earlyRoom : room)) return 'out-of-window';
    if (ahead > 0) {
      this.#slots[slot] = payload;
      if (this.#stored === 0 || seqDistance(seq, this.#highest) > 0) this.#highest = seq;
      this.#stored++;
      this.#storedBytes += payload.length;
      return 'stored';
    }
    this.ack = seq;
    if (payload.length > 0) deliver(payload);
    while (this.#stored > 0) {
      const next = (this.ack + 1) & 0xffff;
      const slot = next & (REORDER_SLOTS - 1);
      const early = this.#slots[slot];
      if (early === undefined) break;
      this.#slots[slot] = undefined;
      this.#stored--;
      this.#storedBytes -= early.length;
      this.ack = next;
      if (early.length > 0) deliver(early);
    }
    this.#reachFin();
    return 'in-order';
  }

  /** The peer's FIN: its stream ends at `seq` (once everything before it arrives). */
  fin(seq: number): Arrival {
    const ahead = seqDistance(seq, this.ack) - 1;
    if (ahead < 0) return 'duplicate';
    if (ahead >= REORDER_SLOTS) return 'out-of-window';
    if (this.#finSeq >= 0 && this.#finSeq !== seq) return 'out-of-window'; // a second FIN elsewhere is a lie
    this.#finSeq = seq;
    this.#reachFin();
    return ahead === 0 ? 'in-order' : 'stored';
  }

  /**
   * The selective ACK for what is stored (bit i: ack + 2 + i arrived), as long as needed to reach the
   * highest stored packet, in 4-byte steps; undefined when nothing is stored.
   */
  selectiveAck(): Uint8Array | undefined {
    if (this.#stored === 0) return undefined;
    const reach = seqDistance(this.#highest, this.ack) - 1; // bits up to the highest stored one
    const sack = this.#sack.subarray(0, Math.min(SACK_BYTES, 4 * Math.ceil(reach / 32)));
    sack.fill(0);
    for (let i = 0; i < sack.length * 8; i++) {
      if (this.#slots[(this.ack + 2 + i) & (REORDER_SLOTS - 1)] !== undefined) sack[i >> 3] = sack[i >> 3]! | (1 << (i & 7));
    }
    return sack;
  }

  #reachFin(): void {
    if (this.#finSeq >= 0 && ((this.ack + 1) & 0xffff) === this.#finSeq) {
      this.ack = this.#finSeq;
      this.#ended = true;
    }
  }
}
