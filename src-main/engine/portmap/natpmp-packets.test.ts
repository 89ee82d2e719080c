import { describe, expect, it } from 'vitest';
import { gatewayFromRouteTable } from './gateway';
import { externalAddressRequest, mapRequest, parseNatPmpReply } from './natpmp-packets';

function reply(bytes: number[]): Buffer {
  return Buffer.from(bytes);
}

describe('NAT-PMP packets (RFC 6886)', () => {
  it('asks for the external address in two bytes, and maps with port and lifetime in network order', () => {
    expect([...externalAddressRequest()]).toEqual([0, 0]);
    expect([...mapRequest('tcp', 6881, 6881, 3600)]).toEqual([0, 2, 0, 0, 0x1a, 0xe1, 0x1a, 0xe1, 0, 0, 0x0e, 0x10]);
    // A deletion names no external port (§3.4).
    expect([...mapRequest('udp', 6881, 6881, 0)]).toEqual([0, 1, 0, 0, 0x1a, 0xe1, 0, 0, 0, 0, 0, 0]);
  });

  it('reads the external address and mapping replies', () => {
    expect(parseNatPmpReply(reply([0, 128, 0, 0, 0, 0, 0, 9, 11, 22, 33, 44]))).toEqual({ kind: 'external', epoch: 9, address: '11.22.33.44' });
    expect(parseNatPmpReply(reply([0, 130, 0, 0, 0, 0, 0, 9, 0x1a, 0xe1, 0x1a, 0xe2, 0, 0, 0x0e, 0x10]))).toEqual({
      kind: 'map',
      protocol: 'tcp',
      epoch: 9,
      internalPort: 6881,
      externalPort: 6882,
      lifetime: 3600,
    });
  });

  it('refuses short, long, wrong-version and request packets, and says what a result code means', () => {
    expect(parseNatPmpReply(reply([0, 128, 0]))).toEqual({ error: 'a NAT-PMP reply of 3 bytes is too short' });
    expect(parseNatPmpReply(reply([0, 128, 0, 0, 0, 0, 0, 9, 11, 22, 33, 44, 0]))).toEqual({ error: 'an external address reply of 13 bytes, not 12' });
    expect(parseNatPmpReply(reply([0, 129, 0, 0, 0, 0, 0, 9, 0, 1]))).toEqual({ error: 'a mapping reply of 10 bytes, not 16' });
    expect(parseNatPmpReply(reply([2, 128, 0, 0, 0, 0, 0, 9, 11, 22, 33, 44]))).toEqual({ error: 'NAT-PMP version 2 is not 0' });
    expect(parseNatPmpReply(reply([0, 2, 0, 0, 0, 0, 0, 9, 11, 22, 33, 44]))).toEqual({ error: 'a NAT-PMP request where a reply was expected' });
    expect(parseNatPmpReply(reply([0, 200, 0, 0, 0, 0, 0, 9]))).toEqual({ error: 'unknown NAT-PMP opcode 200' });
    expect(parseNatPmpReply(reply([0, 130, 0, 2, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0]))).toEqual({ error: 'the router refused: not authorized (mapping disabled on the router)' });
  });
});

describe('default gateway from /proc/net/route', () => {
  const header = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n';
  it('reads the default route’s gateway (little-endian hex)', () => {
    const table = `${header}eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\neth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n`;
    expect(gatewayFromRouteTable(table)).toBe('192.168.0.1');
  });

  it('has none without a default route through a gateway', () => {
    expect(gatewayFromRouteTable(`${header}eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n`)).toBeUndefined();
    expect(gatewayFromRouteTable('')).toBeUndefined();
    expect(gatewayFromRouteTable(`${header}eth0\t00000000\tzzzz\t0003\n`)).toBeUndefined();
  });
});
