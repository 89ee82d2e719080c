import type { PeerConnection } from '../wire/peer-connection';
import { encodePexMessage, parsePexMessage, UT_PEX, type PexPeer } from '../wire/ut-pex';
import { addressKey, addressOfKey, normalizeHost, type PeerAddress } from '../net/peer-address';

/** The id we want `ut_pex` messages on (ut_metadata has 2). */
export const UT_PEX_LOCAL_ID = 3;
/** BEP 11: at most one message a minute each way. */
export const PEX_INTERVAL_MS = 60_000;
/** BEP 11: at most 50 added and 50 dropped per message. */
const MAX_PER_MESSAGE = 50;
/**
 * A peer's messages closer together than this are ignored (libtorrent disconnects for it), so a
 * hostile peer cannot feed us addresses faster than the swarm dials them.
 */
const MIN_RECEIVE_GAP_MS = 30_000;
/** Addresses one connection may teach us in all: no single peer fills the swarm's address book. */
const MAX_LEARNED_PER_LINK = 200;

/** BEP 11 flags. */
export const PEX_FLAG_ENCRYPTION = 0x01;
export const PEX_FLAG_SEED = 0x02;
export const PEX_FLAG_UTP = 0x04;
export const PEX_FLAG_REACHABLE = 0x10;

/** A peer we are connected to, as PEX tells others of it. */
export interface PexContact extends PeerAddress {
  readonly flags: number;
}

/** What PEX needs of a connection. */
export type PexConnection = Pick<PeerConnection, 'peerExtendedHandshake' | 'isOpen' | 'remoteAddress' | 'remotePort' | 'sendExtended'>;

/**
 * PEX with one connected peer (BEP 11): what we told it (so each message is the difference from
 * the last), when it may hear from us next, and what it may teach us, validated and bounded.
 */
export class PexLink {
  readonly #conn: PexConnection;
  readonly #learn: (addresses: PeerAddress[], speakingUtp: PeerAddress[]) => void;
  readonly #now: () => number;
  /** The contacts the peer last heard from us as connected. */
  readonly #told = new Set<string>();
  #nextSendAt = 0;
  #lastReceivedAt = -Infinity;
  /** Keys of the addresses this peer taught us (bounded by MAX_LEARNED_PER_LINK). */
  readonly #learned = new Set<string>();

  constructor(conn: PexConnection, learn: (addresses: PeerAddress[], speakingUtp: PeerAddress[]) => void, now: () => number = Date.now) {
    this.#conn = conn;
    this.#learn = learn;
    this.#now = now;
  }

  /** A `ut_pex` message from the peer; a malformed one throws ShoalError('protocol'). */
  receive(payload: Uint8Array): void {
    const now = this.#now();
    const message = parsePexMessage(payload);
    if (now - this.#lastReceivedAt < MIN_RECEIVE_GAP_MS) return;
    this.#lastReceivedAt = now;
    const fresh: PeerAddress[] = [];
    const utp: PeerAddress[] = [];
    for (const p of message.added) {
      if (this.#learned.size >= MAX_LEARNED_PER_LINK) break;
      const key = addressKey(p);
      if (this.#learned.has(key) || this.#isSender(p)) continue;
      this.#learned.add(key);
      fresh.push({ host: p.host, port: p.port });
      if ((p.flags ?? 0) & PEX_FLAG_UTP) utp.push(fresh[fresh.length - 1]!);
    }
    if (fresh.length > 0) this.#learn(fresh, utp);
  }

  /**
   * Sends the peer what changed among our connections since it last heard, if it speaks PEX and
   * a minute has passed. `contacts` is called only when a message is due.
   */
  tick(contacts: () => readonly PexContact[]): void {
    const theirId = this.#conn.peerExtendedHandshake?.m[UT_PEX];
    const now = this.#now();
    if (!theirId || now < this.#nextSendAt || !this.#conn.isOpen) return;
    const current = new Map<string, PexContact>();
    for (const c of contacts()) if (!this.#isSender(c)) current.set(addressKey(c), c);
    const added: PexPeer[] = [];
    const dropped: PexPeer[] = [];
    for (const [key, c] of current) {
      if (added.length >= MAX_PER_MESSAGE) break;
      if (!this.#told.has(key)) added.push(c);
    }
    for (const key of this.#told) {
      if (dropped.length >= MAX_PER_MESSAGE) break;
      if (!current.has(key)) dropped.push(addressOfKey(key)!);
    }
    if (added.length === 0 && dropped.length === 0) return;
    this.#nextSendAt = now + PEX_INTERVAL_MS;
    for (const p of added) this.#told.add(addressKey(p));
    for (const p of dropped) this.#told.delete(addressKey(p));
    this.#conn.sendExtended(theirId, encodePexMessage({ added, dropped }));
  }

  /** The address the peer itself is at (its connection's, or the listening port it named). */
  #isSender(p: PeerAddress): boolean {
    const host = normalizeHost(this.#conn.remoteAddress ?? '');
    return p.host === host && (p.port === this.#conn.remotePort || p.port === this.#conn.peerExtendedHandshake?.p);
  }
}
