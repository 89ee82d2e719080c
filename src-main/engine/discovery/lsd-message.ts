/**
 * BEP 14 (Local Service Discovery) announces: an HTTP-like request sent by UDP multicast, naming
 * our peer port and the torrents we are in.
 */

export const LSD_PORT = 6771;
export const LSD_GROUP_V4 = '239.192.152.143';
export const LSD_GROUP_V6 = 'ff15::efc0:988f';
/** BEP 14: keep a packet under 1,400 bytes; larger ones are not ours to read either. */
export const MAX_LSD_PACKET = 1400;
/** Info-hashes read from one announce at most (more than fit in 1,400 bytes are not honest). */
const MAX_HASHES = 25;

export interface LsdAnnounce {
  readonly port: number;
  /** Lowercase hex info-hashes. */
  readonly infoHashes: readonly string[];
  readonly cookie?: string;
}

/** The announce for `group` (`host:port` of the multicast group, IPv6 in brackets). */
export function formatLsdAnnounce(group: string, a: LsdAnnounce): Uint8Array {
  const lines = ['BT-SEARCH * HTTP/1.1', `Host: ${group}`, `Port: ${a.port}`, ...a.infoHashes.map((h) => `Infohash: ${h}`)];
  if (a.cookie !== undefined) lines.push(`cookie: ${a.cookie}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n\r\n`, 'latin1');
}

/** How many info-hashes fit in one announce with room to spare. */
export const HASHES_PER_ANNOUNCE = 20;

/**
 * Reads an announce; undefined for anything else (not BT-SEARCH, too big, no valid port or
 * info-hash). Unknown headers are ignored, as BEP 14 asks.
 */
export function parseLsdAnnounce(packet: Uint8Array): LsdAnnounce | undefined {
  if (packet.length > MAX_LSD_PACKET) return undefined;
  const lines = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength).toString('latin1').split('\r\n');
  if (lines[0] !== 'BT-SEARCH * HTTP/1.1') return undefined;
  let port: number | undefined;
  let cookie: string | undefined;
  const infoHashes = new Set<string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'port' && /^\d{1,5}$/.test(value)) port = Number(value);
    else if (name === 'infohash' && /^[0-9a-fA-F]{40}$/.test(value) && infoHashes.size < MAX_HASHES) infoHashes.add(value.toLowerCase());
    else if (name === 'cookie' && value.length <= 64) cookie = value;
  }
  if (port === undefined || port < 1 || port > 65535 || infoHashes.size === 0) return undefined;
  return { port, infoHashes: [...infoHashes], ...(cookie !== undefined ? { cookie } : {}) };
}
