import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Swarm, type PeerExchange } from './swarm';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** An exchange that counts its ticks; `idle` as a seed without peers says it. */
function exchange(idle: boolean): PeerExchange & { ticks: number; idle: boolean } {
  return {
    tickMs: 1000,
    wantsPeers: false,
    idle,
    ticks: 0,
    connectionOptions: () => ({}),
    started: () => undefined,
    stopping: () => undefined,
    joined: () => undefined,
    left: () => undefined,
    tick() {
      this.ticks++;
    },
  };
}

function swarm(): Swarm {
  return new Swarm({ infoHash: new Uint8Array(20).fill(1), peerId: new Uint8Array(20).fill(2), listenPort: 6881, maxConnections: 50, events: { needPeers: () => undefined, log: () => undefined } });
}

describe('Swarm ticks', () => {
  it('does not visit an idle exchange again after its first tick, while a busy one is visited every second', () => {
    const idle = exchange(true);
    const busy = exchange(false);
    const a = swarm();
    const b = swarm();
    a.start(idle);
    b.start(busy);
    vi.advanceTimersByTime(60_000);
    expect(idle.ticks).toBe(1);
    expect(busy.ticks).toBe(60);
    a.stop();
    b.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ticks a sleeping swarm again once woken, until it is idle again', () => {
    const ex = exchange(true);
    const s = swarm();
    s.start(ex);
    vi.advanceTimersByTime(5000);
    expect(ex.ticks).toBe(1);
    ex.idle = false;
    s.wake();
    vi.advanceTimersByTime(3000);
    expect(ex.ticks).toBe(4);
    ex.idle = true;
    vi.advanceTimersByTime(10_000);
    expect(ex.ticks).toBe(5);
    s.stop();
  });

  it('sleeps until a known address may be dialled again, then ticks and dials it', () => {
    const ex = exchange(true);
    const s = swarm();
    const address = { host: '127.0.0.1', port: 1 };
    // A dial of the address failed just now: it waits out the registry's back-off (15 s).
    s.registry.add([address], 'tracker');
    s.registry.takeDialable(1);
    s.registry.disconnected(address, true);
    const retryAt = s.registry.nextDialAt();
    expect(retryAt).toBe(Date.now() + 15_000);
    s.start(ex);
    vi.advanceTimersByTime(14_000);
    expect(ex.ticks).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(ex.ticks).toBe(2);
    // That tick dialled it: nothing more waits, and the dial keeps the swarm awake.
    expect(s.registry.nextDialAt()).toBeUndefined();
    vi.advanceTimersByTime(1000);
    expect(ex.ticks).toBe(3);
    s.stop();
  });
});
