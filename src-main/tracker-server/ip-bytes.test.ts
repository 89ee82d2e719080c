import { describe, expect, it } from 'vitest';
import { ipBytes, ipText } from './ip-bytes';

describe('ipBytes', () => {
  it('turns IPv4 and IPv4-mapped IPv6 into 4 bytes', () => {
    expect([...ipBytes('127.0.0.1')!]).toEqual([127, 0, 0, 1]);
    expect([...ipBytes('::ffff:10.1.2.3')!]).toEqual([10, 1, 2, 3]);
  });

  it('expands IPv6, with ::, zones and an embedded IPv4 tail', () => {
    expect(ipBytes('2001:db8::1')!.toString('hex')).toBe('20010db8000000000000000000000001');
    expect(ipBytes('::1')!.toString('hex')).toBe('00000000000000000000000000000001');
    expect(ipBytes('fe80::1%eth0')!.toString('hex')).toBe('fe800000000000000000000000000001');
    expect(ipBytes('64:ff9b::192.0.2.33')!.toString('hex')).toBe('0064ff9b0000000000000000c0000221');
    expect(ipBytes('1:2:3:4:5:6:7:8')!.toString('hex')).toBe('00010002000300040005000600070008');
  });

  it('refuses what is not an address', () => {
    expect(ipBytes('localhost')).toBeUndefined();
    expect(ipBytes('1.2.3.256')).toBeUndefined();
  });

  it('writes addresses back as text', () => {
    expect(ipText(Buffer.from([192, 168, 0, 9]))).toBe('192.168.0.9');
    expect(ipText(ipBytes('2001:db8::1')!)).toBe('2001:db8:0:0:0:0:0:1');
  });
});
