import { isIP } from 'node:net';
import { ipBytes, ipText } from './ip-bytes';

/**
 * A peer's address as every source hands it over (trackers, DHT, PEX, magnets, incoming
 * connections), in its own module so none of those folders imports another for it.
 */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** `host:port`, or `[v6]:port`: one spelling per address, so it serves as a map key too. */
export const addressKey = (a: PeerAddress): string => (a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`);

/** The address an `addressKey` was made from. */
export function addressOfKey(key: string): PeerAddress | undefined {
  const m = /^\[?(.+?)\]?:(\d+)$/.exec(key);
  return m ? { host: m[1]!, port: Number(m[2]) } : undefined;
}

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) is the IPv4 address. */
export function normalizeHost(host: string): string {
  return host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
}

/**
 * `host:port`, `a.b.c.d:port` or `[v6]:port` as an address (IPv6 in its canonical spelling, a
 * name in lower case and kept for the dialer to resolve); undefined for anything else. Magnets' `x.pe` and DHT nodes are spelled so.
 * A peer's port is 1 to 65535; `portZero` also takes 0, which an address to listen on may have
 * ("any free port").
 */
export function parseHostPort(text: string, { portZero = false }: { portZero?: boolean } = {}): PeerAddress | undefined {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= (portZero ? 0 : 1) && port <= 65535) || (text.startsWith('[') && isIP(m[1]!) !== 6)) return undefined;
  return { host: text.startsWith('[') ? ipText(ipBytes(m[1]!)!) : m[1]!.toLowerCase(), port };
}
