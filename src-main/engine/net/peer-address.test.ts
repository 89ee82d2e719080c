import { describe, expect, it } from 'vitest';
import { addressKey, addressOfKey, normalizeHost, parseHostPort } from './peer-address';

describe('peer addresses', () => {
  it('spell one key per address, and read it back', () => {
    expect(addressKey({ host: '10.0.0.1', port: 6881 })).toBe('10.0.0.1:6881');
    expect(addressKey({ host: '2001:db8::1', port: 51413 })).toBe('[2001:db8::1]:51413');
    for (const address of [{ host: '10.0.0.1', port: 6881 }, { host: '2001:db8::1', port: 51413 }, { host: 'peer.example', port: 1 }]) {
      expect(addressOfKey(addressKey(address))).toEqual(address);
    }
    expect(addressOfKey('no port here')).toBeUndefined();
  });

  it('takes an IPv4 peer on a dual-stack socket for the IPv4 address', () => {
    expect(normalizeHost('::ffff:192.168.1.2')).toBe('192.168.1.2');
    expect(normalizeHost('::ffff:c0a8:102')).toBe('::ffff:c0a8:102');
    expect(normalizeHost('2001:db8::1')).toBe('2001:db8::1');
  });

  it('reads host:port, a.b.c.d:port and [v6]:port, and nothing else', () => {
    expect(parseHostPort('Router.BitTorrent.com:6881')).toEqual({ host: 'router.bittorrent.com', port: 6881 });
    expect(parseHostPort('127.0.0.1:1')).toEqual({ host: '127.0.0.1', port: 1 });
    expect(parseHostPort('[2001:DB8:0:0::1]:65535')).toEqual({ host: '2001:db8::1', port: 65535 });
    for (const text of ['host', '1.2.3.4:0', '1.2.3.4:65536', '::1:6881', '[nope]:1', '[1.2.3.4]:1', 'a b:1', 'a_b:1', ':1', '']) {
      expect(parseHostPort(text)).toBeUndefined();
    }
  });

  it('reads port 0 only when the caller listens (any free port), refusing the rest as before', () => {
    expect(parseHostPort('127.0.0.1:0', { portZero: true })).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseHostPort('[::1]:0', { portZero: true })).toEqual({ host: '::1', port: 0 });
    expect(parseHostPort('127.0.0.1:0')).toBeUndefined();
    for (const text of ['1.2.3.4:65536', '[nope]:0', ':0', '0']) expect(parseHostPort(text, { portZero: true })).toBeUndefined();
  });
});
