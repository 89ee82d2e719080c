/**
 * Swarm state for the tracker: who is in which torrent, seeders and leechers told apart by `left`,
 * downloads counted on `completed`. Peers are keyed by address and port (not by the peer id a
 * client claims), so one host cannot evict another's entry. Memory is bounded by caps on swarms,
 * peers per swarm and peers in total; expiry costs O(expired) because peers sit in one set ordered
 * by their last announce.
 *
 * Each swarm keeps its peers' compact addresses back to back, one buffer per address family, in
 * the same order as its entry list: a reply's peer list is then one or two memory copies.
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
}

export interface PeerEntry {
  readonly swarm: Swarm;
  readonly key: number | string;
  readonly family: 4 | 6;
  seeder: boolean;
  lastSeen: number;
  /** Position in the swarm's list (and compact buffer) for its family. */
  slot: number;
}

/**
 * Peers of one address family: entries, their compact forms (6 or 18 bytes each) and their peer
 * ids (20 bytes each), slot for slot. Packed buffers cost no object per peer.
 */
export interface FamilyList {
  readonly size: 6 | 18;
  readonly entries: PeerEntry[];
  compact: Buffer;
  ids: Buffer;
}

export interface Swarm {
  readonly hex: string;
  readonly peers: Map<number | string, PeerEntry>;
  readonly v4: FamilyList;
  readonly v6: FamilyList;
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
  | { readonly ok: true; readonly counts: SwarmCounts; readonly swarm: Swarm; readonly self: PeerEntry | undefined }
  | { readonly ok: false; readonly reason: string };

export interface SwarmLimits {
  readonly maxSwarms: number;
  readonly maxPeersPerSwarm: number;
  readonly maxPeers: number;
  /** A peer not heard from for this long is dropped. */
  readonly peerTimeoutMs: number;
}

const noCounts: SwarmCounts = { complete: 0, incomplete: 0, downloaded: 0 };

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
    const key = peerKey(input.ip, input.port);
    let swarm = this.#swarms.get(hex);

    if (input.event === 'stopped') {
      if (!swarm) return { ok: true, counts: noCounts, swarm: emptySwarm(hex), self: undefined };
      const entry = swarm.peers.get(key);
      if (entry) this.#remove(entry);
      // An empty swarm goes (with its download count): memory stays bounded by live peers.
      if (swarm.peers.size === 0) this.#swarms.delete(hex);
      return { ok: true, counts: countsOf(swarm), swarm, self: undefined };
    }

    const seeder = input.left === 0;
    let entry = swarm?.peers.get(key);
    if (!swarm) {
      if (this.#swarms.size >= this.#limits.maxSwarms) return { ok: false, reason: 'The tracker is full; try again later.' };
      swarm = emptySwarm(hex);
      this.#swarms.set(hex, swarm);
    }
    if (!entry) {
      if (swarm.peers.size >= this.#limits.maxPeersPerSwarm || this.#byAge.size >= this.#limits.maxPeers) {
        if (swarm.peers.size === 0) this.#swarms.delete(hex);
        return { ok: false, reason: 'The tracker is full; try again later.' };
      }
      entry = this.#add(swarm, key, input, seeder, now);
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
      const list = entry.family === 4 ? swarm.v4 : swarm.v6;
      list.ids.set(input.peerId, entry.slot * 20);
      entry.lastSeen = now;
      this.#byAge.delete(entry);
      this.#byAge.add(entry);
    }
    if (input.event === 'completed') swarm.downloaded++;
    return { ok: true, counts: countsOf(swarm), swarm, self: entry };
  }

  /** Counts for one torrent (zeros when unknown). */
  counts(hex: string): SwarmCounts {
    const swarm = this.#swarms.get(hex);
    return swarm ? countsOf(swarm) : noCounts;
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

  #add(swarm: Swarm, key: number | string, input: AnnounceInput, seeder: boolean, now: number): PeerEntry {
    const family = input.ip.length === 4 ? 4 : 6;
    const list = family === 4 ? swarm.v4 : swarm.v6;
    const slot = list.entries.length;
    const entry: PeerEntry = { swarm, key, family, seeder, lastSeen: now, slot };
    if ((slot + 1) * list.size > list.compact.length) {
      const capacity = Math.max(8, slot * 2);
      list.compact = grow(list.compact, capacity * list.size, slot * list.size);
      list.ids = grow(list.ids, capacity * 20, slot * 20);
    }
    const at = slot * list.size;
    list.compact.set(input.ip, at);
    list.compact.writeUInt16BE(input.port, at + input.ip.length);
    list.ids.set(input.peerId, slot * 20);
    list.entries.push(entry);
    swarm.peers.set(key, entry);
    this.#byAge.add(entry);
    if (seeder) swarm.seeders++;
    else swarm.leechers++;
    return entry;
  }

  #remove(entry: PeerEntry): void {
    const swarm = entry.swarm;
    swarm.peers.delete(entry.key);
    this.#byAge.delete(entry);
    const list = entry.family === 4 ? swarm.v4 : swarm.v6;
    const last = list.entries.pop()!;
    if (last !== entry) {
      list.entries[entry.slot] = last;
      list.compact.copy(list.compact, entry.slot * list.size, last.slot * list.size, (last.slot + 1) * list.size);
      list.ids.copy(list.ids, entry.slot * 20, last.slot * 20, (last.slot + 1) * 20);
      last.slot = entry.slot;
    }
    if (entry.seeder) swarm.seeders--;
    else swarm.leechers--;
  }
}

/** Shared by every empty list: a swarm allocates peer storage only when a peer of that family arrives. */
const EMPTY = Buffer.alloc(0);

function emptySwarm(hex: string): Swarm {
  return {
    hex,
    peers: new Map(),
    v4: { size: 6, entries: [], compact: EMPTY, ids: EMPTY },
    v6: { size: 18, entries: [], compact: EMPTY, ids: EMPTY },
    seeders: 0,
    leechers: 0,
    downloaded: 0,
  };
}

function grow(buffer: Buffer, bytes: number, used: number): Buffer {
  const grown = Buffer.allocUnsafe(bytes);
  buffer.copy(grown, 0, 0, used);
  return grown;
}

/** A peer's 20-byte id, as last announced. */
export function peerIdOf(peer: PeerEntry): Buffer {
  const list = peer.family === 4 ? peer.swarm.v4 : peer.swarm.v6;
  return list.ids.subarray(peer.slot * 20, peer.slot * 20 + 20);
}

function countsOf(swarm: Swarm): SwarmCounts {
  return { complete: swarm.seeders, incomplete: swarm.leechers, downloaded: swarm.downloaded };
}

/** IPv4 peers get a number (address·2^16 + port, exact below 2^53); IPv6 peers a string. */
function peerKey(ip: Uint8Array, port: number): number | string {
  if (ip.length === 4) return (((ip[0]! << 24) | (ip[1]! << 16) | (ip[2]! << 8) | ip[3]!) >>> 0) * 65536 + port;
  return `${Buffer.from(ip.buffer, ip.byteOffset, ip.byteLength).toString('latin1')}:${port}`;
}

/**
 * Walks a random window of `want` slots (random start, wrapping) over `n` slots, skipping
 * `skip` (the requester's slot, or -1), calling `run(from, to)` for each contiguous stretch.
 * A window is as random as a client needs and costs O(1) calls instead of O(want) picks.
 */
function windowRuns(n: number, skip: number, want: number, run: (from: number, to: number) => void): number {
  const take = Math.min(want, skip >= 0 ? n - 1 : n);
  if (take <= 0) return 0;
  let i = n <= want + 1 ? 0 : Math.floor(Math.random() * n);
  let taken = 0;
  while (taken < take) {
    let end = Math.min(n, i + (take - taken));
    if (skip >= i && skip < end) end = skip;
    if (end > i) {
      run(i, end);
      taken += end - i;
      i = end;
    }
    if (i === skip) i++;
    if (i >= n) i = 0;
  }
  return take;
}

/**
 * Writes up to `want` compact peers of one family (never `self`) into `out` at `offset`;
 * returns how many.
 */
export function writeCompactPeers(list: FamilyList, self: PeerEntry | undefined, want: number, out: Buffer, offset: number): number {
  const skip = self && (self.family === 4) === (list.size === 6) ? self.slot : -1;
  let at = offset;
  return windowRuns(list.entries.length, skip, want, (from, to) => {
    at += list.compact.copy(out, at, from * list.size, to * list.size);
  });
}

/** How many peers `writeCompactPeers` will write. */
export function compactPeerCount(list: FamilyList, self: PeerEntry | undefined, want: number): number {
  const mine = self && (self.family === 4) === (list.size === 6) ? 1 : 0;
  return Math.max(0, Math.min(want, list.entries.length - mine));
}

/** Up to `want` peer entries of one family, never `self` (for the dictionary model). */
export function samplePeers(list: FamilyList, self: PeerEntry | undefined, want: number): PeerEntry[] {
  const skip = self && (self.family === 4) === (list.size === 6) ? self.slot : -1;
  const out: PeerEntry[] = [];
  windowRuns(list.entries.length, skip, want, (from, to) => {
    for (let i = from; i < to; i++) out.push(list.entries[i]!);
  });
  return out;
}
