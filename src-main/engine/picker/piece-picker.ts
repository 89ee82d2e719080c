import { Bitfield } from '../../../src-shared/bitfield';
import { Availability, hasPiece, narrowedTo, type PeerPieces } from './availability';
import { Deadlines, type PieceDeadline } from './deadlines';
import { PieceGeometry, type BlockRequest } from './piece-geometry';
import { PieceRanking } from './piece-ranking';
import { RequestLedger, type BlockReceived, type Cancel, type PartialPiece, type PeerRequests } from './request-ledger';

export { BLOCK_SIZE, type BlockRequest } from './piece-geometry';
export type { BlockReceived, Cancel } from './request-ledger';
export type { PieceDeadline } from './deadlines';

/** A peer this many times slower than the fastest is not asked for pieces with deadlines. */
const SLOW_PEER_FACTOR = 4;

export interface PiecePickerOptions<P = unknown> {
  readonly pieceCount: number;
  readonly pieceLength: number;
  readonly lastPieceLength: number;
  /** Pieces picked at random (not rarest first) until this many are complete. Default 4. */
  readonly randomFirstPieces?: number;
  /** Most peers asked for the same block in endgame. Default 3. */
  readonly endgameRequesters?: number;
  /** Injectable for reproducible tests. */
  readonly random?: () => number;
  /** A peer's download rate (bytes a second): pieces with deadlines go to the fastest peers. */
  readonly rateOf?: (peer: P) => number;
}

/**
 * Decides which blocks to request from which peer for one torrent: random first pieces, then
 * rarest first with random tie break, started pieces first, higher priority first, optional
 * sequential order, and endgame duplicates. What peers have is counted by `Availability`, every
 * request and every received block is kept by `RequestLedger`, each piece's state and priority and
 * the ranking of fresh pieces are `PieceRanking`'s; this class puts them together. `P` is whatever
 * identifies a peer (a connection object works).
 *
 * Costs: availability changes are O(1) per piece; picking for a peer walks the rarity order only
 * until it finds a piece that peer has (immediately for seeds); nothing per block is O(pieces).
 */
export class PiecePicker<P> {
  readonly pieceCount: number;
  readonly pieceLength: number;
  readonly lastPieceLength: number;
  readonly blocksPerPiece: number;
  /** Verified pieces. */
  readonly have: Bitfield;
  /** Pick in piece order (streaming) instead of rarest first. */
  sequential = false;

  readonly #geo: PieceGeometry;
  readonly #avail: Availability<P>;
  readonly #ledger: RequestLedger<P>;
  readonly #ranking: PieceRanking;
  /** `wants(i)` as bits in wire order, so interest in a peer is a byte-wise AND with its bitfield. */
  readonly #wanted: Bitfield;
  readonly #wants = (index: number): boolean => this.wants(index);
  readonly #randomFirst: number;
  readonly #endgameRequesters: number;
  readonly #deadlines = new Deadlines();
  readonly #rateOf: ((peer: P) => number) | undefined;

  constructor(options: PiecePickerOptions<P>) {
    const { pieceCount, pieceLength, lastPieceLength } = options;
    this.#geo = new PieceGeometry(pieceCount, pieceLength, lastPieceLength);
    this.pieceCount = pieceCount;
    this.pieceLength = pieceLength;
    this.lastPieceLength = lastPieceLength;
    this.blocksPerPiece = this.#geo.blocksPerPiece;
    this.have = new Bitfield(pieceCount);
    this.#wanted = new Bitfield(pieceCount);
    this.#wanted.setAll();
    this.#avail = new Availability(pieceCount, (index, before) => this.#ranking.availabilityChanged(index, before));
    this.#ranking = new PieceRanking(pieceCount, (index) => this.#avail.countOf(index), options.random ?? Math.random);
    this.#ledger = new RequestLedger(this.#geo, (index) => this.#released(index));
    this.#randomFirst = options.randomFirstPieces ?? 4;
    this.#endgameRequesters = options.endgameRequesters ?? 3;
    this.#rateOf = options.rateOf;
  }

  // ── our pieces and priorities ────────────────────────────────────────────────────────────

  /** Number of blocks in a piece (the last piece may have fewer). */
  blockCount(index: number): number {
    return this.#geo.blockCount(index);
  }

  /** Whether we still want this piece and it is not complete. */
  wants(index: number): boolean {
    if (this.#ranking.isCandidate(index)) return true;
    if (!this.#ranking.isStarted(index)) return false;
    const p = this.#ledger.partial(index)!;
    return p.receivedCount < p.blockCount && this.#ranking.priority(index) > 0;
  }

  /** Pieces not yet verified that have a priority above 0. */
  get wantedRemaining(): number {
    let n = this.#ranking.candidates;
    // Asked of every idle seed every second: no iterator when nothing is partial.
    if (this.#ledger.partialCount === 0) return n;
    for (const p of this.#ledger.partials) if (this.#ranking.priority(p.index) > 0) n++;
    return n;
  }

  /**
   * Every piece's priority at once (file priorities changed): 0 = skip, 1 = normal, up to
   * `MAX_PRIORITY`; one O(pieces) rebuild. Pieces already started keep their blocks.
   */
  setPriorities(priorities: ArrayLike<number>): void {
    if (priorities.length !== this.pieceCount) throw new RangeError('one priority per piece is needed');
    this.#ranking.setPriorities(priorities);
    for (let i = 0; i < this.pieceCount; i++) this.#syncWanted(i);
  }

  priority(index: number): number {
    return this.#ranking.priority(index);
  }

  /** Pieces picked before all others ("first and last pieces first"); replaces the previous set. */
  setBoosted(indexes: Iterable<number>): void {
    const boosted = [...indexes];
    for (const i of boosted) this.#geo.checkIndex(i);
    for (const i of this.#ranking.setBoosted(boosted)) this.#syncWanted(i);
  }

  /** Marks a piece as ours: after a hash check passed, or from resume data. */
  pieceVerified(index: number): void {
    this.#geo.checkIndex(index);
    this.#ledger.finish(index);
    this.#deadlines.delete(index);
    this.have.set(index);
    this.#ranking.markHave(index);
    this.#wanted.clear(index);
  }

  /**
   * Who delivered each block of a piece in progress (`undefined` for blocks not in yet). This is
   * the one record of senders: the ban logic reads it when a piece fails, before `pieceFailed`.
   */
  blockSenders(index: number): readonly (P | undefined)[] {
    return this.#ledger.blockSenders(index);
  }

  /** The piece's hash did not match: all its blocks are missing again. */
  pieceFailed(index: number): void {
    this.#geo.checkIndex(index);
    const p = this.#ledger.partial(index);
    if (p) this.#ledger.release(p);
  }

  /**
   * The data was checked again (recheck, or a move of the files): exactly the pieces in `have`
   * are ours. A piece that no longer verifies is wanted again, and pieces in progress start over,
   * since their blocks on disk were forgotten with the check. Outstanding requests are dropped.
   */
  resetTo(have: Bitfield): void {
    if (have.size !== this.pieceCount) throw new RangeError(`the bitfield has ${have.size} pieces, the torrent ${this.pieceCount}`);
    this.#ledger.clearRequests();
    for (const p of [...this.#ledger.partials]) this.#ledger.release(p);
    for (let i = 0; i < this.pieceCount; i++) {
      if (have.has(i)) {
        if (!this.#ranking.isHave(i)) this.pieceVerified(i);
      } else if (this.#ranking.isHave(i)) {
        this.have.clear(i);
        this.#ranking.markMissing(i);
        this.#syncWanted(i);
      }
    }
  }

  /**
   * The pieces streams need soon, replacing the previous set (a window moved, a seek): they are
   * requested before all others, earliest deadline first, from the fastest peers, and asked of
   * several peers once late. Requests for pieces that left the set go back to the pool; the
   * cancels returned are for the peers asked (those blocks are still welcome if they come).
   */
  setDeadlines(deadlines: Iterable<PieceDeadline>): Cancel<P>[] {
    const list = [...deadlines];
    for (const { index } of list) this.#geo.checkIndex(index);
    const cancels: Cancel<P>[] = [];
    for (const index of this.#deadlines.replace(list)) {
      for (const request of this.#ledger.requestsFor(index)) {
        this.#ledger.returnBlock(request.peer, request.block);
        cancels.push(request);
      }
    }
    return cancels;
  }

  /** Pieces with deadlines not yet verified. */
  get deadlineCount(): number {
    return this.#deadlines.size;
  }

  /**
   * A stream started or jumped: every request goes back to the pool, to be asked again earliest
   * deadline first, since a peer answers in the order it was asked (a queue of other pieces, or of
   * the window's own in rarest order, would come first). Returns the cancels to send.
   */
  preempt(): Cancel<P>[] {
    const cancels: Cancel<P>[] = [];
    for (const peer of [...this.#ledger.peers()]) {
      for (const { block } of this.#ledger.outstandingOf(peer)) {
        this.#ledger.returnBlock(peer, block);
        cancels.push({ peer, block });
      }
    }
    return cancels;
  }

  /** The piece's deadline (a `Date.now()` time), or undefined when no stream waits for it. */
  deadlineOf(index: number): number | undefined {
    return this.#deadlines.deadlineOf(index);
  }

  // ── peers and availability ───────────────────────────────────────────────────────────────

  /** Registers a peer that has told us nothing yet (same as `have none`). */
  addPeer(peer: P, now = Date.now()): void {
    if (this.#avail.knows(peer)) return;
    this.#avail.add(peer);
    this.#ledger.addPeer(peer, now);
  }

  /** The peer's `bitfield` message. */
  peerBitfield(peer: P, bits: Bitfield): void {
    if (bits.size !== this.pieceCount) throw new RangeError('bitfield size does not match the torrent');
    this.addPeer(peer);
    this.#avail.bitfield(peer, bits);
  }

  peerHave(peer: P, index: number): void {
    this.#geo.checkIndex(index);
    this.addPeer(peer);
    this.#avail.have(peer, index);
  }

  peerHaveAll(peer: P): void {
    this.addPeer(peer);
    this.#avail.haveAll(peer);
  }

  peerHaveNone(peer: P): void {
    this.addPeer(peer);
    this.#avail.haveNone(peer);
  }

  /** The peer disconnected: its pieces no longer count and its requests go back to the pool. */
  peerGone(peer: P): void {
    if (!this.#avail.knows(peer)) return;
    this.#ledger.removePeer(peer);
    this.#avail.remove(peer);
  }

  /**
   * Distributed copies (as libtorrent and Transmission show them): how many complete copies the
   * connected peers hold, plus the share of pieces above that minimum. O(pieces); for snapshots.
   */
  distributedCopies(): number {
    return this.#avail.distributedCopies();
  }

  /** How many connected peers have the piece. */
  availability(index: number): number {
    return this.#avail.countOf(index) + this.#avail.seeds;
  }

  /** Whether the peer has a piece we want (decides our `interested`): at worst one AND per 8 pieces. */
  isInteresting(peer: P): boolean {
    return this.#avail.isInteresting(peer, this.#wanted, this.#wants);
  }

  // ── requests ─────────────────────────────────────────────────────────────────────────────

  /** Requests out with this peer. */
  outstanding(peer: P): number {
    return this.#ledger.requestsOf(peer)?.outstanding.size ?? 0;
  }

  isSnubbed(peer: P): boolean {
    return this.#ledger.requestsOf(peer)?.snubbed ?? false;
  }

  /** Every missing wanted block is requested, so blocks are now asked of several peers. */
  get inEndgame(): boolean {
    if (this.#ranking.candidates > 0) return false;
    for (const p of this.#ledger.open) if (this.#ranking.priority(p.index) > 0) return false;
    return this.#ledger.partialCount > 0;
  }

  /**
   * Up to `max` new requests for the peer, never for a piece it lacks or a block it already has from us,
   * only among `among` if given (BEP 6 allowed-fast or suggested pieces); one at a time if snubbed.
   */
  pick(peer: P, max: number, now = Date.now(), among?: readonly number[]): BlockRequest[] {
    const all = this.#avail.piecesOf(peer);
    const pieces = all && among ? narrowedTo(all, among, this.pieceCount) : all;
    const ps = this.#ledger.requestsOf(peer);
    if (!pieces || !ps) return [];
    if (ps.snubbed) max = Math.min(max, 1 - ps.outstanding.size);
    if (max <= 0 || (pieces.bits !== null && pieces.bits.count === 0)) return [];
    if (ps.outstanding.size === 0) ps.lastActivity = now;
    const out: BlockRequest[] = [];
    const fast = this.#deadlines.size > 0 && this.#fastEnough(peer);
    if (fast) this.#pickDeadlines(peer, pieces, ps, max, out, now);
    // A few pieces offered (allowed fast, suggested) are taken only for a stream while one waits: other
    // requests would sit in the peer's queue before the stream's once it unchokes.
    if (among && this.#deadlines.size > 0) return out;
    while (out.length < max) {
      const partial = this.#bestPartial(pieces, fast || this.#deadlines.size === 0);
      let fresh = -1;
      if (!partial || this.#ranking.rank(partial.index) < this.#ranking.topRank()) fresh = this.#ranking.pickFresh(pieces, this.sequential, this.have.count < this.#randomFirst);
      if (partial && (fresh < 0 || this.#ranking.rank(partial.index) >= this.#ranking.rank(fresh))) {
        this.#ledger.take(partial, peer, ps, max, out, now);
      } else if (fresh >= 0) {
        this.#ledger.take(this.#startPiece(fresh), peer, ps, max, out, now);
      } else {
        break;
      }
    }
    if (out.length < max && this.inEndgame) this.#pickEndgame(peer, pieces, ps, max, out, now);
    return out;
  }

  /** A block arrived from `peer`. */
  blockReceived(peer: P, index: number, begin: number, length: number, now = Date.now()): BlockReceived<P> {
    const result = this.#ledger.received(peer, index, begin, length, now);
    if (result.pieceComplete) this.#wanted.clear(index);
    return result;
  }

  /** A block `blockReceived` took was not written (a disk error): it is wanted again. */
  blockNotWritten(index: number, begin: number): void {
    this.#ledger.lost(index, begin);
    this.#syncWanted(index);
  }

  /** A request got no answer in time: another peer may have the block now. */
  requestTimedOut(peer: P, block: BlockRequest): void {
    this.#ledger.returnBlock(peer, block);
  }

  /** BEP 6 `reject request`. */
  rejected(peer: P, block: BlockRequest): void {
    this.#ledger.returnBlock(peer, block);
  }

  /**
   * All of the peer's requests go back to the pool (it choked us without the fast extension, or
   * it is being snubbed). Returns them, e.g. to send cancels.
   */
  dropRequests(peer: P): BlockRequest[] {
    return this.#ledger.dropRequests(peer);
  }

  /** The peer sent nothing for a long time while we waited: its requests go to others. */
  snubbed(peer: P): BlockRequest[] {
    const ps = this.#ledger.requestsOf(peer);
    if (!ps) return [];
    ps.snubbed = true;
    return this.dropRequests(peer);
  }

  /**
   * Peers that have had requests out and delivered nothing for `afterMs`: call `snubbed` for each.
   * A snubbed peer shows up again if its single request also goes unanswered that long.
   */
  stalledPeers(now = Date.now(), afterMs = 60_000): P[] {
    return this.#ledger.stalledPeers(now, afterMs);
  }

  /** Requests out with the peer, with the time each was made. */
  requestsOf(peer: P): { block: BlockRequest; requestedAt: number }[] {
    return this.#ledger.outstandingOf(peer);
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────

  #syncWanted(index: number): void {
    if (this.wants(index)) this.#wanted.set(index);
    else this.#wanted.clear(index);
  }

  /** The open partial piece of highest rank the peer has; `withDeadlines`: streams' pieces too. */
  #bestPartial(pieces: PeerPieces, withDeadlines: boolean): PartialPiece<P> | undefined {
    let best: PartialPiece<P> | undefined;
    let bestPrio = 0;
    for (const p of this.#ledger.open) {
      const prio = this.#ranking.rank(p.index);
      if (prio > bestPrio && hasPiece(pieces, p.index) && (withDeadlines || !this.#deadlines.has(p.index))) {
        best = p;
        bestPrio = prio;
      }
    }
    return best;
  }

  /**
   * Streams first: pieces with deadlines, earliest first; one past its deadline is asked of this
   * peer too even while others have its blocks (the window's endgame).
   */
  #pickDeadlines(peer: P, pieces: PeerPieces, ps: PeerRequests, max: number, out: BlockRequest[], now: number): void {
    for (const index of this.#deadlines.ordered) {
      if (out.length >= max) return;
      if (!hasPiece(pieces, index) || this.#ranking.priority(index) === 0) continue;
      let p = this.#ledger.partial(index);
      if (!p) {
        if (!this.#ranking.isCandidate(index)) continue;
        p = this.#startPiece(index);
      }
      this.#ledger.take(p, peer, ps, max, out, now);
      if (this.#deadlines.deadlineOf(index)! <= now) this.#ledger.takeDuplicatesOf(p, peer, ps, max, out, now, this.#endgameRequesters);
    }
  }

  /** Whether the peer is fast enough for pieces a player waits for: a slow one would hold them up. */
  #fastEnough(peer: P): boolean {
    const rateOf = this.#rateOf;
    if (!rateOf) return true;
    let fastest = 0;
    for (const other of this.#ledger.peers()) fastest = Math.max(fastest, rateOf(other));
    return rateOf(peer) * SLOW_PEER_FACTOR >= fastest;
  }

  #pickEndgame(peer: P, pieces: PeerPieces, ps: PeerRequests, max: number, out: BlockRequest[], now: number): void {
    const eligible = (index: number): boolean => this.#ranking.priority(index) !== 0 && hasPiece(pieces, index);
    this.#ledger.takeDuplicates(peer, ps, max, out, now, this.#endgameRequesters, eligible);
  }

  #startPiece(index: number): PartialPiece<P> {
    const p = this.#ledger.start(index);
    this.#ranking.markStarted(index);
    return p;
  }

  /** The ledger gave a piece back to the pool: it is a candidate again. */
  #released(index: number): void {
    this.#ranking.markMissing(index);
    this.#syncWanted(index);
  }
}
