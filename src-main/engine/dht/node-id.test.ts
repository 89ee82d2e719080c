import { describe, expect, it } from 'vitest';
import { bep42Id, bep42Valid, compareDistance, crc32c, isLocalAddress, randomId, randomIdWithPrefix, sharedPrefixBits } from './node-id';
import { ipBytes } from '../net/ip-bytes';

const hex = (h: string) => Buffer.from(h, 'hex');

describe('node ids', () => {
  it('compares XOR distance to a target', () => {
    const target = Buffer.alloc(20);
    const near = Buffer.alloc(20);
    near[19] = 1;
    const far = Buffer.alloc(20);
    far[0] = 0x80;
    expect(compareDistance(target, near, far)).toBeLessThan(0);
    expect(compareDistance(target, far, near)).toBeGreaterThan(0);
    expect(compareDistance(target, near, Buffer.from(near))).toBe(0);
  });

  it('counts shared leading bits', () => {
    const a = Buffer.alloc(20);
    const b = Buffer.alloc(20);
    expect(sharedPrefixBits(a, b)).toBe(160);
    b[2] = 0x10; // bit 19 differs
    expect(sharedPrefixBits(a, b)).toBe(19);
    b[0] = 0x80;
    expect(sharedPrefixBits(a, b)).toBe(0);
  });

  it('makes random ids sharing exactly n bits with a base', () => {
    const base = randomId();
    for (const bits of [0, 1, 7, 8, 9, 63, 159]) {
      for (let i = 0; i < 20; i++) expect(sharedPrefixBits(base, randomIdWithPrefix(base, bits))).toBe(bits);
    }
  });
});

describe('BEP 42', () => {
  it('computes CRC-32C (check value of "123456789")', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  // The test vectors of BEP 42: the first 21 bits and the last byte are fixed by the address.
  const vectors: [string, number, string][] = [
    ['124.31.75.21', 1, '5fbfbf'],
    ['21.75.31.124', 86, '5a3ce9'],
    ['65.23.51.170', 22, 'a5d432'],
    ['84.124.73.14', 65, '1b0321'],
    ['43.213.53.83', 90, 'e56f6c'],
  ];
  it.each(vectors)('an id for %s with r=%i starts like %s', (ip, r, prefix) => {
    const id = bep42Id(ipBytes(ip)!, r);
    expect(id.subarray(0, 2)).toEqual(hex(prefix).subarray(0, 2));
    expect(id[2]! & 0xf8).toBe(hex(prefix)[2]! & 0xf8);
    expect(id[19]).toBe(r);
    expect(bep42Valid(id, ipBytes(ip)!)).toBe(true);
    expect(bep42Valid(id, ipBytes('1.2.3.4')!)).toBe(false);
  });

  it('makes valid ids for IPv6 from the first 64 bits', () => {
    const ip = ipBytes('2001:db8:85a3::8a2e:370:7334')!;
    expect(ip.length).toBe(16);
    const id = bep42Id(ip.subarray(0, 8));
    expect(bep42Valid(id, ip)).toBe(true);
  });

  it('knows the local addresses BEP 42 exempts', () => {
    for (const ip of ['10.1.2.3', '127.0.0.1', '172.16.0.1', '172.31.255.1', '192.168.1.1', '169.254.0.9', '::1', 'fe80::1', 'fd00::1']) {
      expect(isLocalAddress(ipBytes(ip)!), ip).toBe(true);
    }
    for (const ip of ['8.8.8.8', '172.32.0.1', '2001:db8::1']) expect(isLocalAddress(ipBytes(ip)!), ip).toBe(false);
  });

  it('parses addresses to bytes, refusing names', () => {
    expect([...ipBytes('1.2.3.4')!]).toEqual([1, 2, 3, 4]);
    expect([...ipBytes('::ffff:1.2.3.4')!]).toEqual([1, 2, 3, 4]);
    expect(Buffer.from(ipBytes('2001:db8::1')!).toString('hex')).toBe('20010db8000000000000000000000001');
    expect(ipBytes('router.bittorrent.com')).toBeUndefined();
  });
});
