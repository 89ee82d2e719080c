import { readFile } from 'node:fs/promises';

/**
 * The IPv4 default gateway from Linux's routing table (`/proc/net/route`: hex, little-endian
 * addresses; the default route has destination 0 and the gateway flag). Undefined elsewhere or
 * when there is none.
 */
export async function defaultGateway(routeTable = '/proc/net/route'): Promise<string | undefined> {
  const text = await readFile(routeTable, 'utf8').catch(() => '');
  return gatewayFromRouteTable(text);
}

const RTF_GATEWAY = 0x2;

export function gatewayFromRouteTable(text: string): string | undefined {
  for (const line of text.split('\n').slice(1)) {
    const [, destination, gateway, flags] = line.trim().split(/\s+/);
    if (destination !== '00000000' || !gateway || !/^[0-9A-Fa-f]{8}$/.test(gateway)) continue;
    if ((Number.parseInt(flags ?? '0', 16) & RTF_GATEWAY) === 0) continue;
    const n = Number.parseInt(gateway, 16);
    if (n === 0) continue;
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join('.');
  }
  return undefined;
}
