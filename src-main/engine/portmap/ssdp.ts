import { createSocket, type RemoteInfo } from 'node:dgram';

/** SSDP (UPnP Device Architecture 1.1 §1.3): an M-SEARCH for Internet gateway devices, and their replies. */

export const SSDP_ADDRESS = '239.255.255.250';
export const SSDP_PORT = 1900;
const SEARCH_TARGETS = ['urn:schemas-upnp-org:device:InternetGatewayDevice:1', 'urn:schemas-upnp-org:device:InternetGatewayDevice:2'];
/** A search reply is a handful of headers; anything longer is not one. */
const MAX_REPLY_BYTES = 4096;
/** Gateways remembered from one search: a LAN answers with one or two, a flood of forged ones stays bounded. */
const MAX_GATEWAYS = 8;

export function mSearch(target: string, waitSeconds: number): Buffer {
  return Buffer.from(`M-SEARCH * HTTP/1.1\r\nHOST: ${SSDP_ADDRESS}:${SSDP_PORT}\r\nST: ${target}\r\nMAN: "ssdp:discover"\r\nMX: ${waitSeconds}\r\n\r\n`);
}

/** A reply's description URL, or a sentence saying why the reply is refused. */
export function parseSearchReply(msg: Buffer, from: string): { location: URL } | { error: string } {
  if (msg.length > MAX_REPLY_BYTES) return { error: `an SSDP reply of ${msg.length} bytes from ${from} is too long` };
  const lines = msg.toString('latin1').split('\r\n');
  if (!/^HTTP\/1\.[01] 200\b/.test(lines[0] ?? '')) return { error: `an SSDP reply from ${from} is not "200 OK"` };
  const header = lines.find((l) => /^location\s*:/i.test(l));
  if (!header) return { error: `an SSDP reply from ${from} has no LOCATION` };
  let location: URL;
  try {
    location = new URL(header.slice(header.indexOf(':') + 1).trim());
  } catch {
    return { error: `an SSDP reply from ${from} has a malformed LOCATION` };
  }
  if (location.protocol !== 'http:') return { error: `an SSDP reply from ${from} points at ${location.protocol}, not http:` };
  // The description must come from the device that answered, not somewhere it points us at.
  if (location.hostname !== from) return { error: `an SSDP reply from ${from} points at another host (${location.hostname})` };
  return { location };
}

export interface SsdpFound {
  readonly location: URL;
  /** The address the reply came from: the router. */
  readonly router: string;
}

/**
 * Searches for gateways for `waitMs`, then resolves with every acceptable reply (first come,
 * one per router); refused replies are told to `refused`.
 */
export async function searchGateways(o: { waitMs: number; target?: { address: string; port: number }; refused?: (why: string) => void }): Promise<SsdpFound[]> {
  const socket = createSocket({ type: 'udp4', reuseAddr: false });
  const found = new Map<string, SsdpFound>();
  socket.on('error', () => undefined);
  socket.on('message', (msg: Buffer, from: RemoteInfo) => {
    const reply = parseSearchReply(msg, from.address);
    if ('error' in reply) return o.refused?.(reply.error);
    if (found.size < MAX_GATEWAYS && !found.has(from.address)) found.set(from.address, { location: reply.location, router: from.address });
  });
  await new Promise<void>((resolve) => socket.bind(0, resolve));
  const to = o.target ?? { address: SSDP_ADDRESS, port: SSDP_PORT };
  const mx = Math.max(1, Math.min(5, Math.floor(o.waitMs / 1000)));
  for (const st of SEARCH_TARGETS) socket.send(mSearch(st, mx), to.port, to.address);
  await new Promise((resolve) => setTimeout(resolve, o.waitMs));
  socket.close();
  return [...found.values()];
}
