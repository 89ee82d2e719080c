/**
 * How much one uTP connection may have in flight: LEDBAT (RFC 6817, as BEP 29 applies it) grows
 * the window while the one-way queuing delay stays under 100 ms and shrinks it above, so uTP gives
 * way to TCP on a shared link; losses halve it and a timeout drops it to one packet. Round-trip
 * times give the retransmission timeout the way RFC 6298 says.
 */

/** LEDBAT's target queuing delay. */
export const TARGET_DELAY_MICROS = 100_000;
/** The most the window grows in one round trip at zero delay (libutp and libtorrent use 3,000). */
const MAX_GAIN_BYTES_PER_RTT = 3000;
const MIN_RTO_MS = 500;
const MAX_RTO_MS = 60_000;
const INITIAL_RTO_MS = 1000;
/** The base delay is the smallest sample of the last two minutes, kept as one minimum a minute. */
const BASE_HISTORY_MINUTES = 2;
const MINUTE_MS = 60_000;

export class Congestion {
  /** Bytes allowed in flight. */
  window: number;
  /** Slow start (doubling per round trip) below this, and while the delay is well under the target. */
  #slowStartUntil = Infinity;
  readonly #packetSize: number;
  readonly #maxWindow: number;
  #srtt = 0;
  #rttvar = 0;
  #rto = INITIAL_RTO_MS;
  /** One-way delay minima, per minute, of the samples the peer reports (its clock minus ours). */
  readonly #baseMinima: number[] = [];
  #baseMinuteStart = 0;
  /** The latest queuing delay estimate, microseconds. */
  #queuingDelay = 0;

  constructor(packetSize: number, maxWindow: number) {
    this.#packetSize = packetSize;
    this.#maxWindow = maxWindow;
    this.window = 2 * packetSize;
  }

  /** Retransmission timeout, milliseconds. */
  get rto(): number {
    return this.#rto;
  }

  get queuingDelayMicros(): number {
    return this.#queuingDelay;
  }

  /** A round-trip sample from a packet acknowledged after being sent once (Karn's rule). */
  rttSample(ms: number): void {
    if (this.#srtt === 0) {
      this.#srtt = ms;
      this.#rttvar = ms / 2;
    } else {
      this.#rttvar = 0.75 * this.#rttvar + 0.25 * Math.abs(this.#srtt - ms);
      this.#srtt = 0.875 * this.#srtt + 0.125 * ms;
    }
    this.#rto = clamp(this.#srtt + 4 * this.#rttvar, MIN_RTO_MS, MAX_RTO_MS);
  }

  /**
   * The peer's `timestamp_difference` on an ACK: one-way delay plus an unknown clock offset, so only
   * its distance above the smallest recent sample (the base delay) means queuing.
   */
  delaySample(micros: number, nowMs: number): void {
    if (micros === 0) return; // the peer had no timestamp of ours yet
    if (this.#baseMinima.length === 0 || nowMs - this.#baseMinuteStart >= MINUTE_MS) {
      this.#baseMinima.push(micros);
      if (this.#baseMinima.length > BASE_HISTORY_MINUTES) this.#baseMinima.shift();
      this.#baseMinuteStart = nowMs;
    }
    const last = this.#baseMinima.length - 1;
    // Differences wrap modulo 2^32; compare as signed distances.
    if (((micros - this.#baseMinima[last]!) | 0) < 0) this.#baseMinima[last] = micros;
    let base = this.#baseMinima[0]!;
    for (const m of this.#baseMinima) if (((m - base) | 0) < 0) base = m;
    this.#queuingDelay = Math.max(0, (micros - base) | 0);
  }

  /** `bytes` were newly acknowledged while `inFlight` (before the ACK) were outstanding. */
  acked(bytes: number, inFlight: number): void {
    if (bytes <= 0) return;
    const offTarget = (TARGET_DELAY_MICROS - this.#queuingDelay) / TARGET_DELAY_MICROS;
    if (this.window < this.#slowStartUntil && this.#queuingDelay < TARGET_DELAY_MICROS / 2) {
      this.window += bytes;
    } else {
      if (this.#queuingDelay >= TARGET_DELAY_MICROS / 2) this.#slowStartUntil = 0;
      // Only a window that is being used grows (an idle link says nothing about capacity).
      const used = Math.min(1, inFlight / this.window);
      this.window += (MAX_GAIN_BYTES_PER_RTT * offTarget * bytes * used) / this.window;
    }
    this.window = clamp(this.window, this.#packetSize, this.#maxWindow);
  }

  /** A packet was lost (three duplicate ACKs or SACKs past it): halve, once per round trip. */
  lost(): void {
    this.window = Math.max(this.#packetSize, this.window / 2);
    this.#slowStartUntil = this.window;
  }

  /** Nothing acknowledged for a whole RTO: one packet, and wait longer next time. */
  timedOut(): void {
    // As TCP after a timeout: slow start again up to half the window that was lost.
    this.#slowStartUntil = Math.max(2 * this.#packetSize, this.window / 2);
    this.window = this.#packetSize;
    this.#rto = Math.min(MAX_RTO_MS, this.#rto * 2);
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
