import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/**
 * A global unicast IPv6 address (2000::/3) of this machine, if it has one: the address IPv6
 * peers on the Internet can dial. Link-local, unique-local and loopback addresses are not.
 */
export function globalIPv6Address(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | undefined {
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      if (info.family !== 'IPv6' || info.internal) continue;
      const first = parseInt(info.address.split(':')[0] || '0', 16);
      if (first >= 0x2000 && first <= 0x3fff) return info.address;
    }
  }
  return undefined;
}
