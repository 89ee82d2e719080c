import { BLOCK_SIZE, type BlockRequest, type PieceGeometry } from './piece-geometry';

export interface Cancel<P> {
  readonly peer: P;
  readonly block: BlockRequest;
}

export interface BlockReceived<P> {
  /** False for a duplicate, an unrequested piece or a block that does not fit the piece. */
  readonly wanted: boolean;
  /** Endgame duplicates of this block still out with other peers: send them a `cancel`. */
  readonly cancels: readonly Cancel<P>[];
  /** Every block of the piece is in: hash it, then call `pieceVerified` or `pieceFailed`. */
  readonly pieceComplete: boolean;
}

/** A piece with blocks requested or received, and not yet verified. */
export interface PartialPiece<P> {
  readonly index: number;
  readonly blockCount: number;
  /** First requester of each block. */
  readonly requester: (P | undefined)[];
  /** Extra endgame requesters, by block. */
  dup: Map<number, P[]> | undefined;
  /**
   * Who delivered each block: the only record of senders, read by the ban logic when the piece
   * fails its hash check.
   */
  readonly from: (P | undefined)[];
  /**
   * Blocks accepted for this attempt at the piece. Storage keeps its own map of blocks written
   * (`PieceWriter`), on purpose: this one changes the moment a block arrives, before its write
   * is even queued, so no block is asked for twice; storage's guards the bytes being hashed, and
   * forgets a piece as soon as its hash fails, while this one keeps it until the ban logic has
   * read the bad piece back (`pieceFailed`).
   */
  readonly received: Uint8Array;
  receivedCount: number;
  /** Blocks neither requested nor received. */
  unrequested: number;
  /** No block below this one is unrequested. */
  hint: number;
}

/** Our requests out with one peer. */
export interface PeerRequests {
  /** Outstanding requests: block key → time requested. */
  readonly outstanding: Map<number, number>;
  /**
   * Requests given up on (timed out, rejected, choked), oldest first: the peer may still send
   * them, and a block it was asked for is welcome late. Any other block from it is discarded.
   */
  readonly late: Set<number>;
  snubbed: boolean;
  /** When the peer last delivered a block, or when we started waiting on it. */
  lastActivity: number;
}

const NO_CANCELS: readonly Cancel<never>[] = Object.freeze([]);
/** Given-up requests remembered per peer; a slow peer's late blocks come soon after. */
const MAX_LATE = 256;
const UNWANTED: BlockReceived<never> = Object.freeze({ wanted: false, cancels: NO_CANCELS, pieceComplete: false });

/**
 * Every block asked for and every block received, for the pieces in progress: who was asked for
 * each block (endgame duplicates included), who delivered it, and what each peer still owes us.
 * Which piece to start is the picker's business; `released(index)` tells it when a piece went
 * back to the pool with nothing requested or received.
 */
export class RequestLedger<P> {
  readonly #geo: PieceGeometry;
  readonly #released: (index: number) => void;
  readonly #peers = new Map<P, PeerRequests>();
  readonly #partials = new Map<number, PartialPiece<P>>();
  /** Partial pieces with blocks nobody was asked for: the only ones a pick needs to look at. */
  readonly #open = new Set<PartialPiece<P>>();

  constructor(geometry: PieceGeometry, released: (index: number) => void) {
    this.#geo = geometry;
    this.#released = released;
  }

  get partials(): IterableIterator<PartialPiece<P>> {
    return this.#partials.values();
  }

  get partialCount(): number {
    return this.#partials.size;
  }

  /** Partial pieces with blocks not yet requested. */
  get open(): ReadonlySet<PartialPiece<P>> {
    return this.#open;
  }

  partial(index: number): PartialPiece<P> | undefined {
    return this.#partials.get(index);
  }

  /** Who delivered each block of a piece in progress (empty once it is verified or dropped). */
  blockSenders(index: number): readonly (P | undefined)[] {
    return this.#partials.get(index)?.from ?? [];
  }

  // ── peers ────────────────────────────────────────────────────────────────────────────────

  addPeer(peer: P, now: number): void {
    if (!this.#peers.has(peer)) this.#peers.set(peer, { outstanding: new Map(), late: new Set(), snubbed: false, lastActivity: now });
  }

  /** The peer is gone: its requests go back to the pool. */
  removePeer(peer: P): void {
    this.dropRequests(peer);
    this.#peers.delete(peer);
  }

  requestsOf(peer: P): PeerRequests | undefined {
    return this.#peers.get(peer);
  }

  /** Every peer known. */
  peers(): IterableIterator<P> {
    return this.#peers.keys();
  }

  /** Every outstanding request is forgotten (the data was checked again). */
  clearRequests(): void {
    for (const ps of this.#peers.values()) {
      ps.outstanding.clear();
      ps.late.clear();
    }
  }

  // ── pieces ───────────────────────────────────────────────────────────────────────────────

  start(index: number): PartialPiece<P> {
    const blockCount = this.#geo.blockCount(index);
    const p: PartialPiece<P> = {
      index,
      blockCount,
      requester: new Array<P | undefined>(blockCount).fill(undefined),
      dup: undefined,
      from: new Array<P | undefined>(blockCount).fill(undefined),
      received: new Uint8Array(blockCount),
      receivedCount: 0,
      unrequested: blockCount,
      hint: 0,
    };
    this.#partials.set(index, p);
    this.#open.add(p);
    return p;
  }

  /** The piece verified: nothing of it is tracked any more. */
  finish(index: number): void {
    const p = this.#partials.get(index);
    if (!p) return;
    this.#partials.delete(index);
    this.#open.delete(p);
  }

  /** All of the piece's blocks are missing again (hash failure, recheck); the picker is told. */
  release(p: PartialPiece<P>): void {
    this.#partials.delete(p.index);
    this.#open.delete(p);
    this.#released(p.index);
  }

  // ── requests ─────────────────────────────────────────────────────────────────────────────

  /** Asks `peer` for the piece's unrequested blocks, lowest first, until `out` holds `max`. */
  take(p: PartialPiece<P>, peer: P, ps: PeerRequests, max: number, out: BlockRequest[], now: number): void {
    for (let b = p.hint; b < p.blockCount && out.length < max; b++) {
      if (p.received[b] || p.requester[b] !== undefined) {
        if (b === p.hint) p.hint++;
        continue;
      }
      p.requester[b] = peer;
      if (--p.unrequested === 0) this.#open.delete(p);
      if (b === p.hint) p.hint++;
      ps.outstanding.set(p.index * this.#geo.blocksPerPiece + b, now);
      out.push({ index: p.index, begin: b * BLOCK_SIZE, length: this.#geo.blockLength(p.index, b) });
    }
  }

  /**
   * Endgame: asks `peer` too for blocks already out with others, least-requested first, at most
   * `requesters` peers per block, in pieces `eligible` accepts.
   */
  takeDuplicates(peer: P, ps: PeerRequests, max: number, out: BlockRequest[], now: number, requesters: number, eligible: (index: number) => boolean): void {
    // One pass per requester count.
    for (let have = 1; have < requesters && out.length < max; have++) {
      for (const p of this.#partials.values()) {
        if (out.length >= max) return;
        if (eligible(p.index)) this.#duplicate(p, peer, ps, max, out, now, (count) => count === have);
      }
    }
  }

  /** A late piece (a stream's deadline passed): asks `peer` too for its blocks out with others, at most `requesters` peers per block. */
  takeDuplicatesOf(p: PartialPiece<P>, peer: P, ps: PeerRequests, max: number, out: BlockRequest[], now: number, requesters: number): void {
    this.#duplicate(p, peer, ps, max, out, now, (count) => count < requesters);
  }

  /** Every request out for the piece's blocks, endgame duplicates included. */
  requestsFor(index: number): Cancel<P>[] {
    const p = this.#partials.get(index);
    if (!p) return [];
    const found: Cancel<P>[] = [];
    for (let b = 0; b < p.blockCount; b++) {
      const first = p.requester[b];
      if (first === undefined || p.received[b]) continue;
      const block = { index, begin: b * BLOCK_SIZE, length: this.#geo.blockLength(index, b) };
      for (const peer of [first, ...(p.dup?.get(b) ?? [])]) found.push({ peer, block });
    }
    return found;
  }

  /**
   * A block arrived from `peer`. Only a block this peer was asked for is taken: anything else
   * would be written into a piece in progress unasked and cancel the honest peer's request.
   */
  received(peer: P, index: number, begin: number, length: number, now: number): BlockReceived<P> {
    const ps = this.#peers.get(peer);
    const p = this.#partials.get(index);
    const b = begin / BLOCK_SIZE;
    if (!ps || !p || !Number.isInteger(b) || b < 0 || b >= p.blockCount || length !== this.#geo.blockLength(index, b)) return UNWANTED;
    const key = index * this.#geo.blocksPerPiece + b;
    if (!ps.outstanding.delete(key) && !ps.late.delete(key)) return UNWANTED;
    ps.snubbed = false;
    ps.lastActivity = now;
    if (p.received[b]) {
      this.#removeRequester(p, b, peer);
      return UNWANTED;
    }
    let cancels: Cancel<P>[] | undefined;
    const first = p.requester[b];
    if (first === undefined) {
      // It had gone back to the pool; the peer sent it anyway.
      if (--p.unrequested === 0) this.#open.delete(p);
    } else {
      if (first !== peer) (cancels ??= []).push(this.#cancelFor(first, key, index, begin, length));
      const dups = p.dup?.get(b);
      if (dups) {
        for (const other of dups) if (other !== peer) (cancels ??= []).push(this.#cancelFor(other, key, index, begin, length));
        p.dup!.delete(b);
      }
      p.requester[b] = undefined;
    }
    p.received[b] = 1;
    p.from[b] = peer;
    p.receivedCount++;
    return { wanted: true, cancels: cancels ?? NO_CANCELS, pieceComplete: p.receivedCount === p.blockCount };
  }

  /**
   * A block taken by `received` never reached the disk (a write error): it is missing again and
   * goes back to the pool, or the piece would wait forever for a block nobody asks for.
   */
  lost(index: number, begin: number): void {
    const p = this.#partials.get(index);
    const b = begin / BLOCK_SIZE;
    if (!p || !Number.isInteger(b) || b < 0 || b >= p.blockCount || !p.received[b]) return;
    p.received[b] = 0;
    p.from[b] = undefined;
    p.receivedCount--;
    if (p.unrequested++ === 0) this.#open.add(p);
    if (b < p.hint) p.hint = b;
    if (p.unrequested === p.blockCount) this.release(p);
  }

  /** A request went unanswered or was rejected: the block goes back to the pool. */
  returnBlock(peer: P, block: BlockRequest): void {
    const ps = this.#peers.get(peer);
    const b = block.begin / BLOCK_SIZE;
    // A peer's reject names any block it likes; only exact blocks of real pieces map to a key.
    if (!ps || !Number.isInteger(b) || !Number.isInteger(block.index) || block.index < 0 || block.index >= this.#geo.pieceCount) return;
    if (b < 0 || b >= this.#geo.blockCount(block.index)) return;
    const key = block.index * this.#geo.blocksPerPiece + b;
    if (!ps.outstanding.delete(key)) return;
    ps.late.add(key);
    if (ps.late.size > MAX_LATE) ps.late.delete(ps.late.values().next().value!);
    const p = this.#partials.get(block.index);
    if (!p || p.received[b]) return;
    this.#removeRequester(p, b, peer);
    if (p.requester[b] === undefined) {
      if (p.unrequested++ === 0) this.#open.add(p);
      if (b < p.hint) p.hint = b;
      // Nothing of it requested or received: it is a fresh piece again, to be ranked by rarity.
      if (p.unrequested === p.blockCount) this.release(p);
    }
  }

  /** All of the peer's requests go back to the pool. Returns them, e.g. to send cancels. */
  dropRequests(peer: P): BlockRequest[] {
    const ps = this.#peers.get(peer);
    if (!ps) return [];
    const dropped: BlockRequest[] = [];
    for (const key of ps.outstanding.keys()) dropped.push(this.#geo.request(key));
    for (const block of dropped) this.returnBlock(peer, block);
    return dropped;
  }

  /** Peers that have had requests out and delivered nothing for `afterMs`. */
  stalledPeers(now: number, afterMs: number): P[] {
    const stalled: P[] = [];
    for (const [peer, ps] of this.#peers) {
      if (ps.outstanding.size > 0 && now - ps.lastActivity >= afterMs) stalled.push(peer);
    }
    return stalled;
  }

  /** Requests out with the peer, with the time each was made. */
  outstandingOf(peer: P): { block: BlockRequest; requestedAt: number }[] {
    const ps = this.#peers.get(peer);
    if (!ps) return [];
    return [...ps.outstanding].map(([key, requestedAt]) => ({ block: this.#geo.request(key), requestedAt }));
  }

  /** Asks `peer` for the piece's blocks already out with others whose requester count `accept`s. */
  #duplicate(p: PartialPiece<P>, peer: P, ps: PeerRequests, max: number, out: BlockRequest[], now: number, accept: (requesters: number) => boolean): void {
    for (let b = 0; b < p.blockCount && out.length < max; b++) {
      const first = p.requester[b];
      if (p.received[b] || first === undefined || first === peer) continue;
      const dups = p.dup?.get(b);
      if (!accept(1 + (dups?.length ?? 0)) || dups?.includes(peer)) continue;
      if (dups) dups.push(peer);
      else (p.dup ??= new Map()).set(b, [peer]);
      ps.outstanding.set(p.index * this.#geo.blocksPerPiece + b, now);
      out.push({ index: p.index, begin: b * BLOCK_SIZE, length: this.#geo.blockLength(p.index, b) });
    }
  }

  #cancelFor(other: P, key: number, index: number, begin: number, length: number): Cancel<P> {
    this.#peers.get(other)?.outstanding.delete(key);
    return { peer: other, block: { index, begin, length } };
  }

  /** Removes `peer` from a block's requesters; a remaining endgame duplicate becomes the first. */
  #removeRequester(p: PartialPiece<P>, b: number, peer: P): void {
    const dups = p.dup?.get(b);
    if (p.requester[b] === peer) {
      p.requester[b] = dups?.shift();
    } else if (dups) {
      const at = dups.indexOf(peer);
      if (at >= 0) dups.splice(at, 1);
    }
    if (dups?.length === 0) p.dup!.delete(b);
  }
}
