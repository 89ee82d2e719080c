/**
 * The addresses a torrent knows of (from trackers and incoming connections) and which of them to
 * dial next: never a banned or connected one, failed ones only after a growing back-off, and a
 * bounded number in all so a hostile tracker cannot grow it without end.
 */
import { addressKey, type PeerAddress } from '../net/peer-address';
import type { PeerSource } from './swarm-peer';

type Status = 'idle' | 'connecting' | 'connected';

interface Entry {
  readonly address: PeerAddress;
  /** Where we first heard of it. */
  readonly source: PeerSource;
  status: Status;
  failures: number;
  retryAt: number;
  /** Whether it speaks uTP, once known (PEX said so, it connected over uTP, or a uTP dial went unanswered). */
  utp?: boolean;
}

export interface PeerRegistryOptions {
  /** Most addresses kept; new ones beyond it are dropped. */
  readonly maxKnown?: number;
  /** Back-off after the first failure, doubled for each further one. */
  readonly retryBaseMs?: number;
  /** Addresses given up on after this many failures in a row. */
  readonly maxFailures?: number;
  readonly now?: () => number;
}

export class PeerRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #banned = new Set<string>();
  readonly #maxKnown: number;
  readonly #retryBaseMs: number;
  readonly #maxFailures: number;
  readonly #now: () => number;
  /** Our own listening addresses: a tracker hands them back to us. */
  readonly #self = new Set<string>();

  constructor(options: PeerRegistryOptions = {}) {
    this.#maxKnown = options.maxKnown ?? 2000;
    this.#retryBaseMs = options.retryBaseMs ?? 15_000;
    this.#maxFailures = options.maxFailures ?? 5;
    this.#now = options.now ?? Date.now;
  }

  #seen = 0;

  /** Distinct addresses ever seen, for the `peers seen` figure. */
  get seen(): number {
    return this.#seen;
  }

  get known(): number {
    return this.#entries.size;
  }

  addSelf(address: PeerAddress): void {
    this.#self.add(addressKey(address));
    this.#entries.delete(addressKey(address));
  }

  /** Adds addresses to dial later, heard of from `source`; returns how many were new. */
  add(addresses: Iterable<PeerAddress>, source: PeerSource): number {
    let added = 0;
    for (const address of addresses) {
      const key = addressKey(address);
      if (this.#entries.has(key) || this.#banned.has(banKey(address)) || this.#self.has(key)) continue;
      if (address.port < 1 || address.port > 65535) continue;
      if (this.#entries.size >= this.#maxKnown && !this.#evictOne()) break;
      this.#entries.set(key, { address, source, status: 'idle', failures: 0, retryAt: 0 });
      this.#seen++;
      added++;
    }
    return added;
  }

  /** How many of the known addresses were first heard of from `source`. */
  countFrom(source: PeerSource): number {
    let n = 0;
    for (const entry of this.#entries.values()) if (entry.source === source) n++;
    return n;
  }

  isBanned(address: PeerAddress): boolean {
    return this.#banned.has(banKey(address));
  }

  /** The peer is never dialled again and its incoming connections are refused. */
  ban(address: PeerAddress): void {
    const key = banKey(address);
    this.#banned.add(key);
    for (const [k, entry] of this.#entries) if (banKey(entry.address) === key) this.#entries.delete(k);
  }

  /** Up to `count` addresses to dial now, marked as connecting. */
  takeDialable(count: number): PeerAddress[] {
    const out: PeerAddress[] = [];
    if (count <= 0) return out;
    const now = this.#now();
    for (const entry of this.#entries.values()) {
      if (entry.status !== 'idle' || entry.retryAt > now) continue;
      entry.status = 'connecting';
      out.push(entry.address);
      if (out.length >= count) break;
    }
    return out;
  }

  /** When the first address waiting out its back-off may be dialled (undefined: none waits). */
  nextDialAt(): number | undefined {
    let next: number | undefined;
    for (const entry of this.#entries.values()) if (entry.status === 'idle' && (next === undefined || entry.retryAt < next)) next = entry.retryAt;
    return next;
  }

  /** An incoming connection from `address` (recorded so we do not also dial it). */
  connected(address: PeerAddress): void {
    const key = addressKey(address);
    const entry = this.#entries.get(key);
    if (entry) {
      entry.status = 'connected';
      entry.failures = 0;
    } else if (this.#entries.size < this.#maxKnown) {
      this.#entries.set(key, { address, source: 'incoming', status: 'connected', failures: 0, retryAt: 0 });
      this.#seen++;
    }
  }

  /** What we learnt of `address` and uTP; a `no` (a dial went unanswered) is not undone by hearsay. */
  setUtp(address: PeerAddress, speaks: boolean, hearsay = false): void {
    const entry = this.#entries.get(addressKey(address));
    if (entry && !(hearsay && entry.utp === false)) entry.utp = speaks;
  }

  /** Whether `address` speaks uTP; undefined while unknown. */
  speaksUtp(address: PeerAddress): boolean | undefined {
    return this.#entries.get(addressKey(address))?.utp;
  }

  /** Where the address came from; 'tracker' for one not (or no longer) known. */
  sourceOf(address: PeerAddress): PeerSource {
    return this.#entries.get(addressKey(address))?.source ?? 'tracker';
  }

  /**
   * The connection ended (or the dial failed, `failed`); the address may be dialled again later,
   * or at once with `soon` (we ended it only to hand the torrent to its next phase).
   */
  disconnected(address: PeerAddress, failed: boolean, soon = false): void {
    const key = addressKey(address);
    const entry = this.#entries.get(key);
    if (!entry) return;
    // An incoming peer's address is the port it dialled from, not one it listens on: never dialled.
    if (entry.source === 'incoming') {
      this.#entries.delete(key);
      return;
    }
    entry.status = 'idle';
    if (!failed) {
      entry.failures = 0;
      entry.retryAt = soon ? 0 : this.#now() + this.#retryBaseMs;
      return;
    }
    entry.failures++;
    if (entry.failures >= this.#maxFailures) {
      this.#entries.delete(key);
      return;
    }
    entry.retryAt = this.#now() + this.#retryBaseMs * 2 ** (entry.failures - 1);
  }

  #evictOne(): boolean {
    for (const [key, entry] of this.#entries) {
      if (entry.status === 'idle' && entry.failures > 0) {
        this.#entries.delete(key);
        return true;
      }
    }
    return false;
  }
}

/**
 * Bans are per host, as in every client, except on loopback, where each port is a different peer
 * (local swarms, tests): there a ban names the host and port.
 */
function banKey(address: PeerAddress): string {
  return isLoopback(address.host) ? addressKey(address) : address.host;
}

function isLoopback(hostName: string): boolean {
  return hostName.startsWith('127.') || hostName === '::1' || hostName === '::ffff:127.0.0.1';
}
