/**
 * Swarm state for the tracker: who is in which torrent, seeders and leechers told apart by `left`,
 * downloads counted on `completed`. Peers are keyed by address and port (not by the peer id a
 * client claims), so one host cannot evict another's entry. Memory is bounded by caps on swarms,
 * peers per swarm and peers in total; expiry costs O(expired) because peers sit in one set ordered
 * by their last announce.
 */

export type AnnounceEvent = 'none' | 'started' | 'completed' | 'stopped';

export interface AnnounceInput {
  /** 20 bytes. */
  readonly infoHash: Uint8Array;
  /** 20 bytes. */
  readonly peerId: Uint8Array;
  /** The requester's address: 4 bytes (IPv4) or 16 bytes (IPv6), taken from the socket. */
  readonly ip: Uint8Array;
  readonly port: number;
  readonly left: number;
  readonly event: AnnounceEvent;
  /** Already capped by the caller. */
  readonly numwant: number;
}

export interface PeerEntry {
  readonly swarm: Swarm;
  readonly key: string;
  /** Address and port in compact form: 6 bytes (IPv4) or 18 bytes (IPv6). */
  readonly compact: Buffer;
  peerId: Buffer;
  seeder: boolean;
  lastSeen: number;
  /** Position in the swarm's v4 or v6 list, for O(1) removal. */
  slot: number;
}

export interface Swarm {
  readonly infoHash: Buffer;
  readonly hex: string;
  readonly peers: Map<string, PeerEntry>;
  readonly v4: PeerEntry[];
  readonly v6: PeerEntry[];
  seeders: number;
  leechers: number;
  downloaded: number;
}

export interface SwarmCounts {
  readonly complete: number;
  readonly incomplete: number;
  readonly downloaded: number;
}

export type AnnounceOutcome =
  | { readonly ok: true; readonly counts: SwarmCounts; readonly v4: readonly PeerEntry[]; readonly v6: readonly PeerEntry[] }
  | { readonly ok: false; readonly reason: string };

export interface SwarmLimits {
  readonly maxSwarms: number;
  readonly maxPeersPerSwarm: number;
  readonly maxPeers: number;
  /** A peer not heard from for this long is dropped. */
  readonly peerTimeoutMs: number;
}

export class SwarmStore {
  readonly #swarms = new Map<string, Swarm>();
  /** Every peer, oldest announce first (re-inserted on each announce). */
  readonly #byAge = new Set<PeerEntry>();
  readonly #limits: SwarmLimits;
  readonly #allowed: ReadonlySet<string> | undefined;

  constructor(limits: SwarmLimits, allowed?: ReadonlySet<string>) {
    this.#limits = limits;
    this.#allowed = allowed;
  }

  get swarmCount(): number {
    return this.#swarms.size;
  }

  get peerCount(): number {
    return this.#byAge.size;
  }

  /** `true` when the info-hash may be tracked here (always, without an allow-list). */
  isAllowed(hex: string): boolean {
    return this.#allowed === undefined || this.#allowed.has(hex);
  }

  announce(input: AnnounceInput, now: number): AnnounceOutcome {
    const hex = Buffer.from(input.infoHash.buffer, input.infoHash.byteOffset, input.infoHash.byteLength).toString('hex');
    if (!this.isAllowed(hex)) return { ok: false, reason: 'This torrent is not registered with this tracker.' };
    const compact = compactOf(input.ip, input.port);
    const key = compact.toString('latin1');
    let swarm = this.#swarms.get(hex);

    if (input.event === 'stopped') {
      const entry = swarm?.peers.get(key);
      if (swarm && entry) this.#remove(entry);
      const counts = swarm ? countsOf(swarm) : { complete: 0, incomplete: 0, downloaded: 0 };
      // An empty swarm goes (with its download count): memory stays bounded by live peers.
      if (swarm && swarm.peers.size === 0) this.#swarms.delete(hex);
      return { ok: true, counts, v4: [], v6: [] };
    }

    const seeder = input.left === 0;
    let entry = swarm?.peers.get(key);
    if (!swarm) {
      if (this.#swarms.size >= this.#limits.maxSwarms) return { ok: false, reason: 'The tracker is full; try again later.' };
      swarm = { infoHash: Buffer.from(hex, 'hex'), hex, peers: new Map(), v4: [], v6: [], seeders: 0, leechers: 0, downloaded: 0 };
      this.#swarms.set(hex, swarm);
    }
    if (!entry) {
      if (swarm.peers.size >= this.#limits.maxPeersPerSwarm || this.#byAge.size >= this.#limits.maxPeers) {
        if (swarm.peers.size === 0) this.#swarms.delete(hex);
        return { ok: false, reason: 'The tracker is full; try again later.' };
      }
      const list = compact.length === 6 ? swarm.v4 : swarm.v6;
      entry = { swarm, key, compact, peerId: Buffer.from(input.peerId), seeder, lastSeen: now, slot: list.length };
      list.push(entry);
      swarm.peers.set(key, entry);
      if (seeder) swarm.seeders++;
      else swarm.leechers++;
    } else {
      if (entry.seeder !== seeder) {
        if (seeder) {
          swarm.seeders++;
          swarm.leechers--;
        } else {
          swarm.seeders--;
          swarm.leechers++;
        }
        entry.seeder = seeder;
      }
      if (!entry.peerId.equals(input.peerId)) entry.peerId = Buffer.from(input.peerId);
      entry.lastSeen = now;
      this.#byAge.delete(entry);
    }
    this.#byAge.add(entry);
    if (input.event === 'completed') swarm.downloaded++;

    return {
      ok: true,
      counts: countsOf(swarm),
      ...samplePeers(swarm, entry, input.numwant, compact.length === 6),
    };
  }

  /** Counts for one torrent (zeros when unknown). */
  counts(hex: string): SwarmCounts {
    const swarm = this.#swarms.get(hex);
    return swarm ? countsOf(swarm) : { complete: 0, incomplete: 0, downloaded: 0 };
  }

  /** Up to `limit` swarms, in no particular order. */
  *swarms(limit: number): Generator<Swarm> {
    let n = 0;
    for (const swarm of this.#swarms.values()) {
      if (n++ >= limit) return;
      yield swarm;
    }
  }

  /** Drops peers not heard from within the timeout; returns how many went. */
  sweep(now: number): number {
    const cutoff = now - this.#limits.peerTimeoutMs;
    let dropped = 0;
    for (const entry of this.#byAge) {
      if (entry.lastSeen > cutoff) break;
      this.#remove(entry);
      const swarm = entry.swarm;
      if (swarm.peers.size === 0 && this.#swarms.get(swarm.hex) === swarm) this.#swarms.delete(swarm.hex);
      dropped++;
    }
    return dropped;
  }

  #remove(entry: PeerEntry): void {
    const swarm = entry.swarm;
    swarm.peers.delete(entry.key);
    this.#byAge.delete(entry);
    const list = entry.compact.length === 6 ? swarm.v4 : swarm.v6;
    const last = list.pop()!;
    if (last !== entry) {
      list[entry.slot] = last;
      last.slot = entry.slot;
    }
    if (entry.seeder) swarm.seeders--;
    else swarm.leechers--;
  }
}

function countsOf(swarm: Swarm): SwarmCounts {
  return { complete: swarm.seeders, incomplete: swarm.leechers, downloaded: swarm.downloaded };
}

/** 6 bytes for IPv4, 18 for IPv6: address then big-endian port. */
function compactOf(ip: Uint8Array, port: number): Buffer {
  const out = Buffer.allocUnsafe(ip.length + 2);
  out.set(ip, 0);
  out.writeUInt16BE(port, ip.length);
  return out;
}

/**
 * A random window of the swarm (random start, wrapping), never the requester. A window is as
 * random as a client needs and costs O(numwant) without allocating an index permutation.
 */
function samplePeers(
  swarm: Swarm,
  self: PeerEntry,
  numwant: number,
  preferV4: boolean,
): { v4: PeerEntry[]; v6: PeerEntry[] } {
  const [first, second] = preferV4 ? [swarm.v4, swarm.v6] : [swarm.v6, swarm.v4];
  const a = pickFrom(first, self, numwant);
  const b = pickFrom(second, self, numwant - a.length);
  return preferV4 ? { v4: a, v6: b } : { v4: b, v6: a };
}

function pickFrom(list: readonly PeerEntry[], self: PeerEntry, want: number): PeerEntry[] {
  const out: PeerEntry[] = [];
  const n = list.length;
  if (want <= 0 || n === 0) return out;
  const start = n <= want + 1 ? 0 : Math.floor(Math.random() * n);
  for (let i = 0; i < n && out.length < want; i++) {
    const entry = list[(start + i) % n]!;
    if (entry !== self) out.push(entry);
  }
  return out;
}
