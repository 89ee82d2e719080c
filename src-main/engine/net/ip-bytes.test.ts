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
    for (const text of ['2001:db8::1', '::1', '::', '1:2:3:4:5:6:7:8', '2001:db8:0:1:1:1:1:1', 'fe80::fc:ff:fe00:1']) expect(ipText(ipBytes(text)!)).toBe(text);
    expect(ipText(ipBytes('2001:DB8:0:0:0:0:0:1')!)).toBe('2001:db8::1');
    expect(ipText(Buffer.from('00000000000000000000ffff0a010203', 'hex'))).toBe('::ffff:10.1.2.3');
    // RFC 5952: the longest zero run (the first of equals) is the one shortened, and never a single zero word.
    expect(ipText(Buffer.from('20010db8000000000001000000000001', 'hex'))).toBe('2001:db8::1:0:0:1');
    expect(ipText(Buffer.from('20010db8000000010000000000000001', 'hex'))).toBe('2001:db8:0:1::1');
    expect(ipText(Buffer.from('20010DB8000100010001000100010000', 'hex'))).toBe('2001:db8:1:1:1:1:1:0');
  });
});
