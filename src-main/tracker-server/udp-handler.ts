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
const events: readonly AnnounceEvent[] = ['none', 'completed', 'started', 'stopped'];

/** Returns the reply to send back, or undefined to stay silent. */
export function handleUdp(config: UdpTrackerConfig, packet: Buffer, ip: Buffer): Buffer | undefined {
  if (packet.length < 16) return undefined;
  const action = packet.readUInt32BE(8);
  const transaction = packet.readUInt32BE(12);
  const now = config.now();
  if (action === ACTION_CONNECT) {
    if (packet.readUInt32BE(0) !== PROTOCOL_ID_HI || packet.readUInt32BE(4) !== PROTOCOL_ID_LO) return undefined;
    const reply = Buffer.allocUnsafe(16);
    reply.writeUInt32BE(ACTION_CONNECT, 0);
    reply.writeUInt32BE(transaction, 4);
    config.ids.issue(ip, now, reply, 8);
    return reply;
  }
  if (action !== ACTION_ANNOUNCE && action !== ACTION_SCRAPE) return error(packet, transaction, 'unknown action');
  if (!config.ids.verify(packet, 0, ip, now)) return error(packet, transaction, 'bad connection id');
  return action === ACTION_ANNOUNCE ? announce(config, packet, ip, transaction, now) : scrape(config, packet, transaction);
}

function announce(config: UdpTrackerConfig, packet: Buffer, ip: Buffer, transaction: number, now: number): Buffer | undefined {
  if (packet.length < 98) return error(packet, transaction, 'truncated announce');
  const event = events[packet.readUInt32BE(80)];
  if (event === undefined) return error(packet, transaction, 'bad event');
  const wanted = packet.readInt32BE(92);
  const numwant = wanted < 0 ? config.maxNumwant : Math.min(wanted, config.maxNumwant);
  const peerPort = packet.readUInt16BE(96);
  if (peerPort === 0) return error(packet, transaction, 'bad port');
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
  if (!outcome.ok) return error(packet, transaction, outcome.reason);
  // BEP 15 answers in the requester's address family only.
  const { swarm, list, self } = outcome;
  const count = event === 'stopped' ? 0 : compactPeerCount(list, self, numwant);
  const reply = Buffer.allocUnsafe(20 + count * list.size);
  reply.writeUInt32BE(ACTION_ANNOUNCE, 0);
  reply.writeUInt32BE(transaction, 4);
  reply.writeUInt32BE(config.interval, 8);
  reply.writeUInt32BE(swarm.leechers, 12);
  reply.writeUInt32BE(swarm.seeders, 16);
  if (count > 0) writeCompactPeers(list, self, count, reply, 20);
  return reply;
}

function scrape(config: UdpTrackerConfig, packet: Buffer, transaction: number): Buffer | undefined {
  const count = Math.min(Math.floor((packet.length - 16) / 20), MAX_SCRAPE);
  if (count === 0) return error(packet, transaction, 'no info-hash');
  const reply = Buffer.allocUnsafe(8 + count * 12);
  reply.writeUInt32BE(ACTION_SCRAPE, 0);
  reply.writeUInt32BE(transaction, 4);
  for (let i = 0; i < count; i++) {
    // Counts only for allowed torrents; unknown ones read as zeros.
    const swarm = config.store.isAllowed(packet, 16 + i * 20) ? config.store.swarmOf(packet, 16 + i * 20) : undefined;
    reply.writeUInt32BE(swarm?.seeders ?? 0, 8 + i * 12);
    reply.writeUInt32BE(swarm?.downloaded ?? 0, 12 + i * 12);
    reply.writeUInt32BE(swarm?.leechers ?? 0, 16 + i * 12);
  }
  return reply;
}

/** An error reply, or silence when the reply would be larger than the request. */
function error(packet: Buffer, transaction: number, message: string): Buffer | undefined {
  const reply = Buffer.from(`\0\0\0\0\0\0\0\0${message}`, 'latin1');
  if (reply.length > packet.length) return undefined;
  reply.writeUInt32BE(ACTION_ERROR, 0);
  reply.writeUInt32BE(transaction, 4);
  return reply;
}
