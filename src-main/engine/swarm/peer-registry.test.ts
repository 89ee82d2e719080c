import { describe, expect, it } from 'vitest';
import { PeerRegistry } from './peer-registry';

const a = (port: number, host = '10.0.0.1') => ({ host, port });

describe('PeerRegistry', () => {
  it('hands out each known address once until it disconnects', () => {
    const reg = new PeerRegistry();
    expect(reg.add([a(1), a(2), a(1)], 'tracker')).toBe(2);
    expect(reg.takeDialable(10)).toEqual([a(1), a(2)]);
    expect(reg.takeDialable(10)).toEqual([]);
  });

  it('backs off failed addresses exponentially and forgets them after the last try', () => {
    let now = 0;
    const reg = new PeerRegistry({ retryBaseMs: 1000, maxFailures: 3, now: () => now });
    reg.add([a(1)], 'tracker');
    reg.takeDialable(1);
    reg.disconnected(a(1), true);
    now = 999;
    expect(reg.takeDialable(1)).toEqual([]);
    now = 1000;
    expect(reg.takeDialable(1)).toEqual([a(1)]);
    reg.disconnected(a(1), true);
    now = 2999;
    expect(reg.takeDialable(1)).toEqual([]);
    now = 3000;
    expect(reg.takeDialable(1)).toEqual([a(1)]);
    reg.disconnected(a(1), true);
    expect(reg.known).toBe(0);
  });

  it('bans a whole host, but only one port on loopback where every test peer lives', () => {
    const reg = new PeerRegistry();
    reg.add([a(1), a(2), a(1, '127.0.0.1'), a(2, '127.0.0.1')], 'tracker');
    reg.ban(a(1));
    reg.ban(a(1, '127.0.0.1'));
    expect(reg.isBanned(a(9))).toBe(true);
    expect(reg.isBanned(a(2, '127.0.0.1'))).toBe(false);
    expect(reg.add([a(3), a(1, '127.0.0.1')], 'tracker')).toBe(0);
    expect(reg.takeDialable(10)).toEqual([a(2, '127.0.0.1')]);
  });

  it('never dials our own listening address and ignores port 0', () => {
    const reg = new PeerRegistry();
    reg.addSelf(a(6881, '127.0.0.1'));
    expect(reg.add([a(6881, '127.0.0.1'), a(0)], 'tracker')).toBe(0);
  });

  it('stays within its bound, evicting failed addresses first', () => {
    const reg = new PeerRegistry({ maxKnown: 2 });
    reg.add([a(1), a(2)], 'tracker');
    reg.takeDialable(1);
    reg.disconnected(a(1), true);
    expect(reg.add([a(3), a(4)], 'tracker')).toBe(1);
    expect(reg.known).toBe(2);
    expect(reg.seen).toBe(3);
  });

  it('remembers where it first heard of each address, and an incoming peer as incoming', () => {
    const reg = new PeerRegistry();
    reg.add([a(1)], 'magnet');
    reg.add([a(1), a(2)], 'dht');
    reg.connected(a(3));
    expect([reg.sourceOf(a(1)), reg.sourceOf(a(2)), reg.sourceOf(a(3))]).toEqual(['magnet', 'dht', 'incoming']);
  });

  it('never dials the port an incoming peer connected from, and forgets it once it leaves', () => {
    let now = 0;
    const reg = new PeerRegistry({ retryBaseMs: 1000, now: () => now });
    reg.connected(a(40_000));
    reg.disconnected(a(40_000), false);
    now = 60_000;
    expect(reg.takeDialable(5)).toEqual([]);
    expect(reg.known).toBe(0);
  });

  it('dials again at once an address whose connection we ended only to change phase', () => {
    let now = 0;
    const reg = new PeerRegistry({ retryBaseMs: 1000, now: () => now });
    reg.add([a(1), a(2)], 'tracker');
    reg.takeDialable(2);
    reg.disconnected(a(1), false, true);
    reg.disconnected(a(2), false);
    expect(reg.takeDialable(2)).toEqual([a(1)]);
    now = 1000;
    expect(reg.takeDialable(2)).toEqual([a(2)]);
  });
});
