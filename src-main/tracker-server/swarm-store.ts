import { ByteIndex } from './byte-index';
import { PeerList } from './peer-list';

/**
 * Swarm state for the tracker: who is in which torrent, seeders and leechers told apart by `left`,
 * downloads counted on `completed`. Peers are keyed by address and port (not by the peer id a
 * client claims), so one host cannot evict another's entry. Memory is bounded by caps on swarms,
 * peers per swarm and peers in total.
 *
 * Storage is packed (see PeerList): typed arrays per swarm and address family, and indexes keyed
 * by the raw bytes of info-hashes and addresses, so an announce read from a datagram allocates
 * nothing here: no object, string or view per peer or per request.
 */

export type AnnounceEvent = 'none' | 'started' | 'completed' | 'stopped';

export interface AnnounceInput {
  /** Holds the 20-byte info-hash at `hashAt` (default 0): a UDP request is read in place. */
  infoHash: Buffer;
  hashAt?: number;
  /** Holds the 20-byte peer id at `idAt` (default 0). */
  peerId: Buffer;
  idAt?: number;
  /** The requester's address: 4 bytes (IPv4) or 16 bytes (IPv6), taken from the socket. */
  ip: Buffer;
  port: number;
  left: number;
  event: AnnounceEvent;
}

export interface Swarm {
  readonly hash: Buffer;
  readonly hex: string;
  readonly v4: PeerList;
  readonly v6: PeerList;
  seeders: number;
  leechers: number;
  downloaded: number;
}

export interface SwarmCounts {
  readonly complete: number;
  readonly incomplete: number;
  readonly downloaded: number;
}

/** An announce taken in: the swarm, and the requester's slot in its family's list (-1 once stopped). */
export interface Announced {
  readonly ok: true;
  swarm: Swarm;
  list: PeerList;
  self: number;
}

export type AnnounceOutcome = Announced | { readonly ok: false; readonly reason: string };

export interface SwarmLimits {
  readonly maxSwarms: number;
  readonly maxPeersPerSwarm: number;
  readonly maxPeers: number;
  /** A peer not heard from for this long is dropped. */
  readonly peerTimeoutMs: number;
}

/** The answer to a `stopped` for a torrent nobody is in. */
const nobody = emptySwarm(Buffer.alloc(20));
const noCounts: SwarmCounts = { complete: 0, incomplete: 0, downloaded: 0 };
const full = { ok: false, reason: 'The tracker is full; try again later.' } as const;
const unregistered = { ok: false, reason: 'This torrent is not registered with this tracker.' } as const;

export class SwarmStore {
  readonly #swarms: Swarm[] = [];
  readonly #byHash = new ByteIndex(20);
  readonly #allowed: ByteIndex | undefined;
  readonly #limits: SwarmLimits;
  #peers = 0;
  /** The requester's compact entry (address, port), written here to look it up without allocating. */
  readonly #key = Buffer.alloc(18);
  /** The one outcome object, filled in by each announce: read it before the next one. */
  readonly #announced: Announced = { ok: true, swarm: nobody, list: nobody.v4, self: -1 };

  constructor(limits: SwarmLimits, allowed?: ReadonlySet<string>) {
    this.#limits = limits;
    if (allowed) {
      this.#allowed = new ByteIndex(20);
      for (const hex of allowed) if (/^[0-9a-f]{40}$/.test(hex)) this.#allowed.set(Buffer.from(hex, 'hex'), 0, 1);
    }
  }

  get swarmCount(): number {
    return this.#swarms.length;
  }

  get peerCount(): number {
    return this.#peers;
  }

  /** `true` when the 20-byte info-hash at `at` may be tracked here (always, without an allow-list). */
  isAllowed(hash: Buffer, at = 0): boolean {
    return this.#allowed === undefined || this.#allowed.get(hash, at) >= 0;
  }

  /**
   * Takes in one announce. The outcome of a success is the store's one outcome object, valid
   * until the next call.
   */
  announce(input: AnnounceInput, now: number): AnnounceOutcome {
    const hashAt = input.hashAt ?? 0;
    if (!this.isAllowed(input.infoHash, hashAt)) return unregistered;
    const family = input.ip.length === 4 ? 4 : 6;
    const key = this.#key;
    input.ip.copy(key, 0);
    key.writeUInt16BE(input.port, input.ip.length);
    let index = this.#byHash.get(input.infoHash, hashAt);
    let swarm = index >= 0 ? this.#swarms[index]! : undefined;

    if (input.event === 'stopped') {
      if (!swarm) return this.#outcome(nobody, 4, -1);
      const list = family === 4 ? swarm.v4 : swarm.v6;
      const slot = list.find(key, 0);
      if (slot >= 0) this.#remove(swarm, list, slot);
      // An empty swarm goes (with its download count): memory stays bounded by live peers.
      if (swarm.v4.count + swarm.v6.count === 0) this.#removeSwarm(index);
      return this.#outcome(swarm, family, -1);
    }

    const seeder = input.left === 0;
    if (!swarm) {
      if (this.#swarms.length >= this.#limits.maxSwarms) return full;
      swarm = emptySwarm(Buffer.from(input.infoHash.subarray(hashAt, hashAt + 20)));
      index = this.#swarms.length;
      this.#swarms.push(swarm);
      this.#byHash.set(swarm.hash, 0, index);
    }
    const list = family === 4 ? swarm.v4 : swarm.v6;
    let slot = list.find(key, 0);
    if (slot < 0) {
      if (swarm.v4.count + swarm.v6.count >= this.#limits.maxPeersPerSwarm || this.#peers >= this.#limits.maxPeers) {
        if (swarm.v4.count + swarm.v6.count === 0) this.#removeSwarm(index);
        return full;
      }
      slot = list.add(key, 0, input.peerId, input.idAt ?? 0, seeder, now);
      this.#peers++;
      if (seeder) swarm.seeders++;
      else swarm.leechers++;
    } else {
      if (list.isSeeder(slot) !== seeder) {
        swarm.seeders += seeder ? 1 : -1;
        swarm.leechers += seeder ? -1 : 1;
        list.setSeeder(slot, seeder);
      }
      list.update(slot, input.peerId, input.idAt ?? 0, now);
    }
    if (input.event === 'completed') swarm.downloaded++;
    return this.#outcome(swarm, family, slot);
  }

  /** The swarm of the 20-byte info-hash at `at`, if any peer is in it. */
  swarmOf(hash: Buffer, at = 0): Swarm | undefined {
    const index = this.#byHash.get(hash, at);
    return index >= 0 ? this.#swarms[index] : undefined;
  }

  /** Counts for one torrent (zeros when unknown). */
  counts(hash: Buffer, at = 0): SwarmCounts {
    const swarm = this.swarmOf(hash, at);
    return swarm ? { complete: swarm.seeders, incomplete: swarm.leechers, downloaded: swarm.downloaded } : noCounts;
  }

  /** Up to `limit` swarms, in no particular order. */
  *swarms(limit: number): Generator<Swarm> {
    for (let i = 0; i < Math.min(limit, this.#swarms.length); i++) yield this.#swarms[i]!;
  }

  /** Drops peers not heard from within the timeout; returns how many went. */
  sweep(now: number): number {
    const cutoff = now - this.#limits.peerTimeoutMs;
    let dropped = 0;
    // Backwards, as a removed swarm or peer is replaced by the last one.
    for (let s = this.#swarms.length - 1; s >= 0; s--) {
      const swarm = this.#swarms[s]!;
      for (const list of [swarm.v4, swarm.v6]) {
        for (let slot = list.count - 1; slot >= 0; slot--) {
          if (list.seenAt(slot) > cutoff) continue;
          this.#remove(swarm, list, slot);
          dropped++;
        }
      }
      if (swarm.v4.count + swarm.v6.count === 0) this.#removeSwarm(s);
    }
    return dropped;
  }

  #outcome(swarm: Swarm, family: 4 | 6, self: number): Announced {
    const out = this.#announced;
    out.swarm = swarm;
    out.list = family === 4 ? swarm.v4 : swarm.v6;
    out.self = self;
    return out;
  }

  #remove(swarm: Swarm, list: PeerList, slot: number): void {
    if (list.isSeeder(slot)) swarm.seeders--;
    else swarm.leechers--;
    list.remove(slot);
    this.#peers--;
  }

  #removeSwarm(index: number): void {
    const gone = this.#swarms[index]!;
    const last = this.#swarms.pop()!;
    this.#byHash.delete(gone.hash, 0);
    if (last !== gone) {
      this.#swarms[index] = last;
      this.#byHash.set(last.hash, 0, index);
    }
  }
}

function emptySwarm(hash: Buffer): Swarm {
  return { hash, hex: hash.toString('hex'), v4: new PeerList(6), v6: new PeerList(18), seeders: 0, leechers: 0, downloaded: 0 };
}
