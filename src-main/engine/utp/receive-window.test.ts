import { describe, expect, it } from 'vitest';
import { ReceiveWindow } from './receive-window';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('ReceiveWindow', () => {
  it('keeps early packets, says which in the selective ACK, and delivers them in order once the gap fills', () => {
    const r = new ReceiveWindow(10);
    const got: number[] = [];
    const deliver = (p: Uint8Array) => got.push(p[0]!);
    expect(r.data(12, bytes(5, 12), deliver, 1e6, 1e6)).toBe('stored');
    expect(r.data(14, bytes(5, 14), deliver, 1e6, 1e6)).toBe('stored');
    expect(r.data(12, bytes(5, 12), deliver, 1e6, 1e6)).toBe('duplicate');
    expect(r.storedBytes).toBe(10);
    // Bit i is ack + 2 + i: 12 is bit 0, 14 is bit 2; four bytes, as BEP 29 wants.
    expect([...r.selectiveAck()!]).toEqual([0b101, 0, 0, 0]);
    expect(r.data(11, bytes(5, 11), deliver, 1e6, 1e6)).toBe('in-order');
    expect(got).toEqual([11, 12]);
    expect(r.ack).toBe(12);
    expect(r.data(13, bytes(5, 13), deliver, 1e6, 1e6)).toBe('in-order');
    expect(got).toEqual([11, 12, 13, 14]);
    expect(r.selectiveAck()).toBeUndefined();
    expect(r.data(12, bytes(5, 12), deliver, 1e6, 1e6)).toBe('duplicate');
  });

  it('drops what does not fit the room left, early packets sooner than the one that fills the gap', () => {
    const r = new ReceiveWindow(0);
    const deliver = () => undefined;
    expect(r.data(2, bytes(100, 2), deliver, 150, 50)).toBe('out-of-window');
    expect(r.data(2, bytes(40, 2), deliver, 150, 50)).toBe('stored');
    expect(r.data(1, bytes(100, 1), deliver, 150, 50)).toBe('in-order');
    expect(r.data(3, bytes(200, 3), deliver, 150, 50)).toBe('out-of-window');
    expect(r.ack).toBe(2);
  });

  it('ends the stream at the FIN once everything before it arrived, and takes nothing past it', () => {
    const r = new ReceiveWindow(0);
    const deliver = () => undefined;
    expect(r.fin(3)).toBe('stored');
    expect(r.data(4, bytes(1, 4), deliver, 1e6, 1e6)).toBe('out-of-window');
    r.data(2, bytes(1, 2), deliver, 1e6, 1e6);
    expect(r.ended).toBe(false);
    r.data(1, bytes(1, 1), deliver, 1e6, 1e6);
    expect(r.ended).toBe(true);
    expect(r.ack).toBe(3);
  });
});
