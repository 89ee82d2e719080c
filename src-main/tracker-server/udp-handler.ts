import type { ConnectionIds } from './connection-ids';
import { compactPeerCount, writeCompactPeers } from './peer-list';
import type { AnnounceEvent, AnnounceInput, SwarmStore } from './swarm-store';

/**
 * BEP 15 request handling, from one datagram to at most one reply. No reply is ever much larger
 * than the request that caused it (announce replies carry a capped number of peers, errors are
 * dropped when they would outgrow the request), so the tracker cannot be used as an amplifier.
 */

export interface UdpTrackerConfig {
  readonly store: SwarmStore;
  readonly ids: ConnectionIds;
  /** Seconds. */
  readonly interval: number;
  readonly maxNumwant: number;
  readonly now: () => number;
}

/** One announce at a time is read, so one input object serves them all: none is made per datagram. */
const EMPTY = Buffer.alloc(0);
const input: AnnounceInput = { infoHash: EMPTY, hashAt: 16, peerId: EMPTY, idAt: 36, ip: EMPTY, port: 0, left: 0, event: 'none' };

const PROTOCOL_ID_HI = 0x417;
const PROTOCOL_ID_LO = 0x27101980;
const ACTION_CONNECT = 0;
const ACTION_ANNOUNCE = 1;
const ACTION_SCRAPE = 2;
const ACTION_ERROR = 3;
const MAX_SCRAPE = 74;
/** The longest error message: the store's refusals (swarm-store.ts) are the long ones. */
const LONGEST_ERROR = 100;
const events: readonly AnnounceEvent[] = ['none', 'completed', 'started', 'stopped'];

/** Bytes a reply can take at most: an announce with `maxNumwant` IPv6 peers, or a full scrape. */
export function udpReplyCapacity(maxNumwant: number): number {
  return Math.max(20 + maxNumwant * 18, 8 + MAX_SCRAPE * 12, 8 + LONGEST_ERROR);
}

/**
 * Writes the reply into `out` (at least `udpReplyCapacity` bytes) and returns its length, or 0
 * to stay silent. Replies are built in place so that a datagram costs no buffer of its own.
 */
export function handleUdp(config: UdpTrackerConfig, packet: Buffer, ip: Buffer, out: Buffer): number {
  if (packet.length < 16) return 0;
  const action = packet.readUInt32BE(8);
  const transaction = packet.readUInt32BE(12);
  const now = config.now();
  if (action === ACTION_CONNECT) {
    if (packet.readUInt32BE(0) !== PROTOCOL_ID_HI || packet.readUInt32BE(4) !== PROTOCOL_ID_LO) return 0;
    out.writeUInt32BE(ACTION_CONNECT, 0);
    out.writeUInt32BE(transaction, 4);
    config.ids.issue(ip, now, out, 8);
    return 16;
  }
  if (action !== ACTION_ANNOUNCE && action !== ACTION_SCRAPE) return error(packet, transaction, 'unknown action', out);
  if (!config.ids.verify(packet, 0, ip, now)) return error(packet, transaction, 'bad connection id', out);
  return action === ACTION_ANNOUNCE ? announce(config, packet, ip, transaction, now, out) : scrape(config, packet, transaction, out);
}

function announce(config: UdpTrackerConfig, packet: Buffer, ip: Buffer, transaction: number, now: number, out: Buffer): number {
  if (packet.length < 98) return error(packet, transaction, 'truncated announce', out);
  const event = events[packet.readUInt32BE(80)];
  if (event === undefined) return error(packet, transaction, 'bad event', out);
  const wanted = packet.readInt32BE(92);
  const numwant = wanted < 0 ? config.maxNumwant : Math.min(wanted, config.maxNumwant);
  const peerPort = packet.readUInt16BE(96);
  if (peerPort === 0) return error(packet, transaction, 'bad port', out);
  // Only whether `left` is zero matters; reading it as two words avoids a BigInt per packet.
  const left = packet.readUInt32BE(64) | packet.readUInt32BE(68) ? 1 : 0;
  input.infoHash = packet;
  input.peerId = packet;
  input.ip = ip;
  input.port = peerPort;
  input.left = left;
  input.event = event;
  const outcome = config.store.announce(input, now);
  input.infoHash = input.peerId = input.ip = EMPTY; // nothing of the datagram is kept past it
  if (!outcome.ok) return error(packet, transaction, outcome.reason, out);
  // BEP 15 answers in the requester's address family only.
  const { swarm, list, self } = outcome;
  const count = event === 'stopped' ? 0 : compactPeerCount(list, self, numwant);
  out.writeUInt32BE(ACTION_ANNOUNCE, 0);
  out.writeUInt32BE(transaction, 4);
  out.writeUInt32BE(config.interval, 8);
  out.writeUInt32BE(swarm.leechers, 12);
  out.writeUInt32BE(swarm.seeders, 16);
  if (count > 0) writeCompactPeers(list, self, count, out, 20);
  return 20 + count * list.size;
}

function scrape(config: UdpTrackerConfig, packet: Buffer, transaction: number, out: Buffer): number {
  const count = Math.min(Math.floor((packet.length - 16) / 20), MAX_SCRAPE);
  if (count === 0) return error(packet, transaction, 'no info-hash', out);
  out.writeUInt32BE(ACTION_SCRAPE, 0);
  out.writeUInt32BE(transaction, 4);
  for (let i = 0; i < count; i++) {
    // Counts only for allowed torrents; unknown ones read as zeros.
    const swarm = config.store.isAllowed(packet, 16 + i * 20) ? config.store.swarmOf(packet, 16 + i * 20) : undefined;
    out.writeUInt32BE(swarm?.seeders ?? 0, 8 + i * 12);
    out.writeUInt32BE(swarm?.downloaded ?? 0, 12 + i * 12);
    out.writeUInt32BE(swarm?.leechers ?? 0, 16 + i * 12);
  }
  return 8 + count * 12;
}

/** An error reply's length, or 0 (silence) when the reply would be larger than the request. */
function error(packet: Buffer, transaction: number, message: string, out: Buffer): number {
  const length = 8 + message.length;
  if (length > packet.length || length > out.length) return 0;
  out.writeUInt32BE(ACTION_ERROR, 0);
  out.writeUInt32BE(transaction, 4);
  out.write(message, 8, 'latin1');
  return length;
}
