import { describe, expect, it } from 'vitest';
import { Congestion, TARGET_DELAY_MICROS } from './congestion';

const PACKET = 1380;

describe('Congestion', () => {
  it('sets the retransmission timeout from round trips as RFC 6298 does, at least 500 ms, doubling on a timeout', () => {
    const c = new Congestion(PACKET, 1024 * PACKET);
    expect(c.rto).toBe(1000); // before any sample
    c.rttSample(400); // srtt 400, rttvar 200
    expect(c.rto).toBe(1200);
    c.rttSample(400); // rttvar 0.75 * 200 = 150
    expect(c.rto).toBe(1000);
    c.rttSample(10);
    expect(c.rto).toBeGreaterThanOrEqual(500);
    const before = c.rto;
    c.timedOut();
    expect(c.rto).toBe(2 * before);
    expect(c.window).toBe(PACKET);
  });

  it('grows the window while the queuing delay is under the 100 ms target and shrinks it above (LEDBAT)', () => {
    const c = new Congestion(PACKET, 1024 * PACKET);
    c.delaySample(5000, 0); // the base delay
    const start = c.window;
    c.acked(PACKET, c.window);
    expect(c.window).toBe(start + PACKET); // slow start at no delay
    c.delaySample(5000 + TARGET_DELAY_MICROS / 4, 10);
    let before = c.window;
    c.acked(PACKET, c.window);
    expect(c.window).toBeGreaterThan(before);
    c.delaySample(5000 + 2 * TARGET_DELAY_MICROS, 20);
    expect(c.queuingDelayMicros).toBe(2 * TARGET_DELAY_MICROS);
    before = c.window;
    for (let i = 0; i < 10; i++) c.acked(PACKET, c.window);
    expect(c.window).toBeLessThan(before);
  });

  it('halves the window on a loss, never below one packet', () => {
    const c = new Congestion(PACKET, 1024 * PACKET);
    c.delaySample(5000, 0);
    for (let i = 0; i < 20; i++) c.acked(PACKET, c.window);
    const before = c.window;
    c.lost();
    expect(c.window).toBe(before / 2);
    for (let i = 0; i < 20; i++) c.lost();
    expect(c.window).toBe(PACKET);
  });
});
