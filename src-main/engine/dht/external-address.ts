import type { PeerAddress } from '../net/peer-address';
import { isLocalAddress } from './node-id';
import { ipBytes } from '../net/ip-bytes';

/** Distinct nodes that must agree on our address before we believe it. */
const VOTES_NEEDED = 5;
/** Voters remembered; older votes give way. */
const MAX_VOTERS = 64;

/**
 * Our external address as answering nodes report it (BEP 42's `ip`). One node may lie, so an
 * address counts once VOTES_NEEDED distinct nodes named it; local addresses are not votes.
 */
export class ExternalAddress {
  /** voter "host:port" → the address it named; Map order is age order. */
  readonly #votes = new Map<string, string>();

  /** Counts a vote; returns the address once it has a majority of at least VOTES_NEEDED. */
  vote(voter: PeerAddress, named: PeerAddress): string | undefined {
    const bytes = ipBytes(named.host);
    if (!bytes || isLocalAddress(bytes)) return undefined;
    const key = `${voter.host}:${voter.port}`;
    this.#votes.delete(key);
    this.#votes.set(key, named.host);
    if (this.#votes.size > MAX_VOTERS) this.#votes.delete(this.#votes.keys().next().value!);
    const counts = new Map<string, number>();
    for (const host of this.#votes.values()) counts.set(host, (counts.get(host) ?? 0) + 1);
    const [best, n] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    return n >= VOTES_NEEDED && n * 2 > this.#votes.size ? best : undefined;
  }
}
