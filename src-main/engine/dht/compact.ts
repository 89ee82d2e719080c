import { decodeCompactPeers } from '../net/compact-peers';
import type { PeerAddress } from '../net/peer-address';
import { ID_LENGTH } from './node-id';
import { ipBytes } from '../net/ip-bytes';

/** A DHT node: its id and UDP address. */
export interface NodeInfo {
  readonly id: Buffer;
  readonly host: string;
  readonly port: number;
}

/** Compact node info (BEP 5; BEP 32 for IPv6): id, address bytes, port. */
const NODE_V4 = ID_LENGTH + 6;
const NODE_V6 = ID_LENGTH + 18;

/** Encodes nodes of one family (others are skipped) as compact node info. */
export function encodeNodes(nodes: readonly NodeInfo[], family: 4 | 6): Buffer {
  const parts: Buffer[] = [];
  for (const node of nodes) {
    const ip = ipBytes(node.host);
    if (!ip || ip.length !== (family === 4 ? 4 : 16)) continue;
    const port = Buffer.alloc(2);
    port.writeUInt16BE(node.port);
    parts.push(node.id, Buffer.from(ip), port);
  }
  return Buffer.concat(parts);
}

/**
 * Decodes compact node info of one family; at most `limit` nodes, entries with port 0 skipped.
 * A length that is not a whole number of entries is malformed: undefined.
 */
export function decodeNodes(bytes: Uint8Array, family: 4 | 6, limit: number): NodeInfo[] | undefined {
  const size = family === 4 ? NODE_V4 : NODE_V6;
  if (bytes.length % size !== 0) return undefined;
  const nodes: NodeInfo[] = [];
  for (let at = 0; at < bytes.length && nodes.length < limit; at += size) {
    const peers: PeerAddress[] = [];
    decodeCompactPeers(bytes.subarray(at + ID_LENGTH, at + size), family, peers, 1);
    const peer = peers[0];
    if (peer) nodes.push({ id: Buffer.from(bytes.subarray(at, at + ID_LENGTH)), host: peer.host, port: peer.port });
  }
  return nodes;
}

/** One peer as the 6 (IPv4) or 18 (IPv6) bytes of a `values` entry; undefined for a bad host. */
export function encodePeer(peer: PeerAddress): Buffer | undefined {
  const ip = ipBytes(peer.host);
  if (!ip) return undefined;
  const out = Buffer.alloc(ip.length + 2);
  out.set(ip);
  out.writeUInt16BE(peer.port, ip.length);
  return out;
}

/** One `values` entry back to a peer; undefined when it is neither 6 nor 18 bytes, or port 0. */
export function decodePeer(bytes: Uint8Array): PeerAddress | undefined {
  if (bytes.length !== 6 && bytes.length !== 18) return undefined;
  const out: PeerAddress[] = [];
  decodeCompactPeers(bytes, bytes.length === 6 ? 4 : 6, out, 1);
  return out[0];
}
