import type { PeerAddress } from '../net/peer-address';

/** Peers announced to us are forgotten after this long without a re-announce (announces come about every 30 min). */
export const PEER_TTL_MS = 45 * 60_000;
/** Bounds whatever the network announces: info-hashes kept, peers kept per info-hash. */
export const MAX_TORRENTS = 2000;
export const MAX_PEERS_PER_TORRENT = 200;
/** Peers put in one get_peers reply (BEP 5 replies must fit one UDP datagram). */
export const MAX_VALUES_PER_REPLY = 50;

/**
 * Peers that announced themselves to us with announce_peer, per info-hash, bounded in count and
 * age. When full, the info-hash (or peer) announced longest ago gives way.
 */
export class PeerStore {
  /** info-hash hex → "host:port" → peer and when it last announced; Map order is age order. */
  readonly #torrents = new Map<string, Map<string, { peer: PeerAddress; at: number }>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  get torrentCount(): number {
    return this.#torrents.size;
  }

  add(infoHash: string, peer: PeerAddress): void {
    const now = this.#now();
    let peers = this.#torrents.get(infoHash);
    if (peers) this.#torrents.delete(infoHash); // re-inserted below: newest last
    else {
      peers = new Map();
      if (this.#torrents.size >= MAX_TORRENTS) this.#torrents.delete(this.#torrents.keys().next().value!);
    }
    this.#torrents.set(infoHash, peers);
    const key = `${peer.host}:${peer.port}`;
    peers.delete(key);
    peers.set(key, { peer, at: now });
    if (peers.size > MAX_PEERS_PER_TORRENT) peers.delete(peers.keys().next().value!);
  }

  /** Up to MAX_VALUES_PER_REPLY live peers for `infoHash`, a random pick when there are more. */
  get(infoHash: string): PeerAddress[] {
    const peers = this.#torrents.get(infoHash);
    if (!peers) return [];
    const now = this.#now();
    const live: PeerAddress[] = [];
    for (const [key, entry] of peers) {
      if (now - entry.at >= PEER_TTL_MS) peers.delete(key);
      else live.push(entry.peer);
    }
    if (peers.size === 0) this.#torrents.delete(infoHash);
    for (let i = live.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [live[i], live[j]] = [live[j]!, live[i]!];
    }
    return live.slice(0, MAX_VALUES_PER_REPLY);
  }

  /** Drops every peer past its time; run now and then so quiet info-hashes do not linger. */
  expire(): void {
    const now = this.#now();
    for (const [hash, peers] of this.#torrents) {
      for (const [key, entry] of peers) if (now - entry.at >= PEER_TTL_MS) peers.delete(key);
      if (peers.size === 0) this.#torrents.delete(hash);
    }
  }
}
