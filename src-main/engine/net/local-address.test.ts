import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { globalIPv6Address } from './local-address';

const v6 = (address: string, internal = false): NetworkInterfaceInfo => ({ address, family: 'IPv6', internal, netmask: 'ffff:ffff:ffff:ffff::', mac: '00:00:00:00:00:00', cidr: `${address}/64`, scopeid: 0 });

describe('globalIPv6Address', () => {
  it('picks a global unicast address and passes over loopback, link-local, unique-local and IPv4', () => {
    const ipv4: NetworkInterfaceInfo = { address: '192.0.2.2', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: '192.0.2.2/24' };
    expect(globalIPv6Address({ lo: [v6('::1', true)], eth0: [ipv4, v6('fe80::1'), v6('fd00::2'), v6('2001:db8::7')] })).toBe('2001:db8::7');
    expect(globalIPv6Address({ lo: [v6('::1', true)], eth0: [ipv4, v6('fe80::1'), v6('fd00::2')] })).toBeUndefined();
    expect(globalIPv6Address({ wlan: undefined, eth1: [v6('3fff::1')] })).toBe('3fff::1');
  });
});
