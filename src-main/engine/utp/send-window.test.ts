import { describe, expect, it } from 'vitest';
import { SendWindow, type AckOutcome } from './send-window';

const FULL = 1400;
const NO_SACK = new Uint8Array(0);

/** A window with `count` full packets (seq 100 onwards) sent at time 0. */
function windowOf(count: number): SendWindow {
  const w = new SendWindow(100, FULL);
  for (let i = 0; i < count; i++) w.sent(w.add(w.buffer(FULL), FULL - 20), 0);
  return w;
}

const outcome = (): AckOutcome => ({ ackedBytes: 0, rttMs: -1, lostSeq: -1 });

describe('SendWindow', () => {
  it('marks the hole lost after three duplicate ACKs (fast retransmit), not before', () => {
    const w = windowOf(5);
    const out = outcome();
    expect(w.ack(100, NO_SACK, 40, out)).toBe(true);
    expect(out).toEqual({ ackedBytes: FULL - 20, rttMs: 40, lostSeq: -1 });
    w.ack(100, NO_SACK, 41, out);
    w.ack(100, NO_SACK, 42, out);
    expect(w.firstLost()).toBe(-1);
    w.ack(100, NO_SACK, 43, out);
    expect(out.lostSeq).toBe(101);
    expect(w.firstLost()).toBe(101);
    expect(w.inFlight).toBe(3 * (FULL - 20)); // the lost one no longer counts as in flight
    w.sent(101, 50); // sent again
    expect(w.firstLost()).toBe(-1);
  });

  it('frees selectively acknowledged packets and marks a hole with three past it lost', () => {
    const w = windowOf(5); // 100..104
    const out = outcome();
    // Nothing cumulative (ack 99); bits for 101, 102, 103 (ack + 2 onwards).
    expect(w.ack(99, Uint8Array.of(0b111), 30, out)).toBe(true);
    expect(out.ackedBytes).toBe(3 * (FULL - 20));
    expect(out.lostSeq).toBe(100);
    expect(w.firstLost()).toBe(100);
    expect(w.outstanding).toBe(5); // only a cumulative ACK moves the window
  });

  it('refuses an ACK of packets never sent, and takes no round trip from a packet sent twice (Karn)', () => {
    const w = windowOf(2);
    const out = outcome();
    expect(w.ack(110, NO_SACK, 10, out)).toBe(false);
    expect(w.outstanding).toBe(2);
    w.timedOut();
    expect(w.firstLost()).toBe(100);
    w.sent(100, 500);
    w.ack(100, NO_SACK, 600, out);
    expect(out.ackedBytes).toBe(FULL - 20);
    expect(out.rttMs).toBe(-1);
  });

  it('reuses the buffers of acknowledged full-size packets for new ones', () => {
    const w = new SendWindow(100, FULL);
    const first = w.buffer(FULL);
    w.sent(w.add(first, FULL - 20), 0);
    const small = w.buffer(300);
    w.sent(w.add(small, 280), 0);
    w.ack(101, NO_SACK, 5, outcome());
    expect(w.buffer(FULL)).toBe(first);
    expect(w.buffer(FULL)).not.toBe(first);
    expect(w.buffer(300)).not.toBe(small); // only full-size buffers are kept
  });
});
