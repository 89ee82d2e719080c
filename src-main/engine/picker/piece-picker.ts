import { Bitfield } from '../../../src-shared/bitfield';
import { PieceOrder } from './piece-order';

export const BLOCK_SIZE = 16 * 1024;

/** One block to request: piece index, byte offset in the piece, length. */
export interface BlockRequest {
  readonly index: number;
  readonly begin: number;
  readonly length: number;
}

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

export interface PiecePickerOptions {
  readonly pieceCount: number;
  readonly pieceLength: number;
  readonly lastPieceLength: number;
  /** Pieces picked at random (not rarest first) until this many are complete. Default 4. */
  readonly randomFirstPieces?: number;
  /** Most peers asked for the same block in endgame. Default 3. */
  readonly endgameRequesters?: number;
  /** Injectable for reproducible tests. */
  readonly random?: () => number;
}

/** Highest priority a caller can set; "first and last pieces" ranks above it. */
export const MAX_PRIORITY = 7;
const BOOSTED = MAX_PRIORITY + 1;
/** Rarity counts beyond this all rank the same; keeps the bucket count small. */
const AVAIL_CAP = 255;
const KEYS_PER_CLASS = AVAIL_CAP + 1;
/** Key for pieces that are not candidates for a fresh start (had, started, skipped). */
const EXCLUDED = BOOSTED * KEYS_PER_CLASS;

const CANDIDATE = 0;
const PARTIAL = 1;
const HAVE = 2;
const SKIPPED = 3;

const NO_CANCELS: readonly Cancel<never>[] = Object.freeze([]);

interface PeerState {
  /** Null for a peer that has everything (counted in `#seeds`, not per piece). */
  bits: Bitfield | null;
  /** The peer's pieces as a list while it has few, so picking for it need not walk the whole order. */
  sparse: number[] | null;
  /** Outstanding requests: block key → time requested. */
  readonly outstanding: Map<number, number>;
  snubbed: boolean;
  /** When the peer last delivered a block, or when we started waiting on it. */
  lastActivity: number;
}

interface PartialPiece<P> {
  readonly index: number;
  readonly blockCount: number;
  /** First requester of each block. */
  readonly requester: (P | undefined)[];
  /** Extra endgame requesters, by block. */
  dup: Map<number, P[]> | undefined;
  /** Who delivered each block (for blame when the hash fails). */
  readonly from: (P | undefined)[];
  readonly received: Uint8Array;
  receivedCount: number;
  /** Blocks neither requested nor received. */
  unrequested: number;
  /** No block below this one is unrequested. */
  hint: number;
}

/**
 * Decides which blocks to request from which peer for one torrent: random first pieces, then
 * rarest first with random tie break, started pieces first, higher priority first, optional
 * sequential order, and endgame duplicates. It keeps the swarm's availability per piece and every
 * outstanding request. `P` is whatever identifies a peer (a connection object works).
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

  readonly #priority: Uint8Array;
  readonly #boosted: Uint8Array;
  readonly #state: Uint8Array;
  /** `wants(i)` as bits in wire order, so interest in a peer is a byte-wise AND with its bitfield. */
  readonly #wanted: Bitfield;
  readonly #avail: Uint32Array;
  #order: PieceOrder;
  readonly #peers = new Map<P, PeerState>();
  readonly #partials = new Map<number, PartialPiece<P>>();
  /** Partial pieces with blocks nobody was asked for: the only ones `pick` needs to look at. */
  readonly #open = new Set<PartialPiece<P>>();
  readonly #random: () => number;
  readonly #randomFirst: number;
  readonly #endgameRequesters: number;
  readonly #sparseLimit: number;
  #seeds = 0;
  #seqCursor = 0;

  constructor(options: PiecePickerOptions) {
    const { pieceCount, pieceLength, lastPieceLength } = options;
    if (!Number.isSafeInteger(pieceCount) || pieceCount < 0) throw new RangeError('invalid piece count');
    if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) throw new RangeError('invalid piece length');
    if (pieceCount > 0 && (lastPieceLength <= 0 || lastPieceLength > pieceLength)) throw new RangeError('invalid last piece length');
    this.pieceCount = pieceCount;
    this.pieceLength = pieceLength;
    this.lastPieceLength = lastPieceLength;
    this.blocksPerPiece = Math.ceil(pieceLength / BLOCK_SIZE);
    this.have = new Bitfield(pieceCount);
    this.#priority = new Uint8Array(pieceCount).fill(1);
    this.#boosted = new Uint8Array(pieceCount);
    this.#state = new Uint8Array(pieceCount);
    this.#wanted = new Bitfield(pieceCount);
    this.#wanted.setAll();
    this.#avail = new Uint32Array(pieceCount);
    this.#random = options.random ?? Math.random;
    this.#randomFirst = options.randomFirstPieces ?? 4;
    this.#endgameRequesters = options.endgameRequesters ?? 3;
    this.#sparseLimit = Math.max(32, pieceCount >> 6);
    this.#order = new PieceOrder(pieceCount, EXCLUDED + 1, (i) => this.#keyFor(i), this.#random);
  }

  // ── our pieces and priorities ────────────────────────────────────────────────────────────

  /** Number of blocks in a piece (the last piece may have fewer). */
  blockCount(index: number): number {
    return Math.ceil(this.#pieceSize(index) / BLOCK_SIZE);
  }

  /** Whether we still want this piece and it is not complete. */
  wants(index: number): boolean {
    const s = this.#state[index];
    if (s === CANDIDATE) return true;
    if (s !== PARTIAL) return false;
    const p = this.#partials.get(index)!;
    return p.receivedCount < p.blockCount && this.#priority[index]! > 0;
  }

  /** Pieces not yet verified that have a priority above 0. */
  get wantedRemaining(): number {
    let n = this.#order.countBelow(EXCLUDED);
    for (const p of this.#partials.values()) if (this.#priority[p.index]! > 0) n++;
    return n;
  }

  /** 0 = skip, 1 = normal, up to `MAX_PRIORITY`. Pieces already started keep their blocks. */
  setPriority(index: number, priority: number): void {
    this.#checkIndex(index);
    if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) throw new RangeError(`invalid priority ${priority}`);
    this.#priority[index] = priority;
    this.#refresh(index);
  }

  /** Every piece's priority at once (file priorities changed): one O(pieces) rebuild instead of many moves. */
  setPriorities(priorities: ArrayLike<number>): void {
    if (priorities.length !== this.pieceCount) throw new RangeError('one priority per piece is needed');
    for (let i = 0; i < this.pieceCount; i++) {
      const priority = priorities[i]!;
      if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) throw new RangeError(`invalid priority ${priority}`);
    }
    for (let i = 0; i < this.pieceCount; i++) {
      this.#priority[i] = priorities[i]!;
      const s = this.#state[i];
      if (s === CANDIDATE || s === SKIPPED) this.#state[i] = this.#priority[i] === 0 ? SKIPPED : CANDIDATE;
      this.#syncWanted(i);
    }
    this.#seqCursor = 0;
    this.#order = new PieceOrder(this.pieceCount, EXCLUDED + 1, (i) => this.#keyFor(i), this.#random);
  }

  priority(index: number): number {
    return this.#priority[index] ?? 0;
  }

  /** Pieces picked before all others ("first and last pieces first"); replaces the previous set. */
  setBoosted(indexes: Iterable<number>): void {
    const previous: number[] = [];
    for (let i = 0; i < this.pieceCount; i++) if (this.#boosted[i]) previous.push(i);
    this.#boosted.fill(0);
    for (const i of previous) this.#refresh(i);
    for (const i of indexes) {
      this.#checkIndex(i);
      this.#boosted[i] = 1;
      this.#refresh(i);
    }
  }

  /** Marks a piece as ours: after a hash check passed, or from resume data. */
  pieceVerified(index: number): void {
    this.#checkIndex(index);
    const p = this.#partials.get(index);
    if (p) {
      this.#partials.delete(index);
      this.#open.delete(p);
    }
    this.have.set(index);
    this.#state[index] = HAVE;
    this.#wanted.clear(index);
    this.#order.setKey(index, EXCLUDED);
  }

  /**
   * The piece's hash did not match: all its blocks are missing again. Returns the peers that sent
   * its blocks, so the caller can ban or watch them.
   */
  pieceFailed(index: number): P[] {
    this.#checkIndex(index);
    const p = this.#partials.get(index);
    const contributors = new Set<P>();
    if (p) {
      for (const peer of p.from) if (peer !== undefined) contributors.add(peer);
      this.#dropPartial(p);
    }
    return [...contributors];
  }

  /**
   * The data was checked again (recheck, or a move of the files): exactly the pieces in `have`
   * are ours. A piece that no longer verifies is wanted again, and pieces in progress start over,
   * since their blocks on disk were forgotten with the check. Outstanding requests are dropped.
   */
  resetTo(have: Bitfield): void {
    if (have.size !== this.pieceCount) throw new RangeError(`the bitfield has ${have.size} pieces, the torrent ${this.pieceCount}`);
    for (const ps of this.#peers.values()) ps.outstanding.clear();
    for (const p of [...this.#partials.values()]) this.#dropPartial(p);
    for (let i = 0; i < this.pieceCount; i++) {
      if (have.has(i)) {
        if (this.#state[i] !== HAVE) this.pieceVerified(i);
      } else if (this.#state[i] === HAVE) {
        this.have.clear(i);
        this.#state[i] = this.#priority[i] === 0 ? SKIPPED : CANDIDATE;
        this.#refresh(i);
      }
    }
  }

  // ── peers and availability ───────────────────────────────────────────────────────────────

  /** Registers a peer that has told us nothing yet (same as `have none`). */
  addPeer(peer: P, now = Date.now()): void {
    if (this.#peers.has(peer)) return;
    this.#peers.set(peer, { bits: new Bitfield(this.pieceCount), sparse: [], outstanding: new Map(), snubbed: false, lastActivity: now });
  }

  /** The peer's `bitfield` message. */
  peerBitfield(peer: P, bits: Bitfield): void {
    if (bits.size !== this.pieceCount) throw new RangeError('bitfield size does not match the torrent');
    const ps = this.#peer(peer);
    this.#forgetAvailability(ps);
    if (bits.complete) {
      ps.bits = null;
      ps.sparse = null;
      this.#seeds++;
      return;
    }
    ps.bits = new Bitfield(this.pieceCount, bits.bytes);
    const sparse: number[] | null = ps.bits.count <= this.#sparseLimit ? [] : null;
    const bytes = ps.bits.bytes;
    for (let byte = 0; byte < bytes.length; byte++) {
      const v = bytes[byte]!;
      if (v === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if (v & (0x80 >> bit)) {
          this.#changeAvail(byte * 8 + bit, 1);
          sparse?.push(byte * 8 + bit);
        }
      }
    }
    ps.sparse = sparse;
  }

  peerHave(peer: P, index: number): void {
    this.#checkIndex(index);
    const ps = this.#peer(peer);
    if (ps.bits === null || ps.bits.has(index)) return;
    ps.bits.set(index);
    this.#changeAvail(index, 1);
    if (ps.sparse) {
      if (ps.sparse.length < this.#sparseLimit) ps.sparse.push(index);
      else ps.sparse = null;
    }
    if (ps.bits.complete) {
      // Now a seed: count it once instead of once per piece.
      this.#forgetAvailability(ps);
      ps.bits = null;
      ps.sparse = null;
      this.#seeds++;
    }
  }

  peerHaveAll(peer: P): void {
    const ps = this.#peer(peer);
    this.#forgetAvailability(ps);
    ps.bits = null;
    ps.sparse = null;
    this.#seeds++;
  }

  peerHaveNone(peer: P): void {
    this.#forgetAvailability(this.#peer(peer));
  }

  /** The peer disconnected: its pieces no longer count and its requests go back to the pool. */
  peerGone(peer: P): void {
    const ps = this.#peers.get(peer);
    if (!ps) return;
    this.dropRequests(peer);
    this.#forgetAvailability(ps);
    this.#peers.delete(peer);
  }

  /**
   * Distributed copies (as libtorrent and Transmission show them): how many complete copies the
   * connected peers hold, plus the share of pieces above that minimum. O(pieces); for snapshots.
   */
  distributedCopies(): number {
    if (this.pieceCount === 0) return 0;
    let min = Infinity;
    for (let i = 0; i < this.pieceCount; i++) if (this.#avail[i]! < min) min = this.#avail[i]!;
    let aboveMin = 0;
    for (let i = 0; i < this.pieceCount; i++) if (this.#avail[i]! > min) aboveMin++;
    return min + this.#seeds + aboveMin / this.pieceCount;
  }

  /** Availability of every piece, capped at 65535, for the UI's pieces map. */
  availabilitySnapshot(out = new Uint16Array(this.pieceCount)): Uint16Array {
    for (let i = 0; i < this.pieceCount; i++) out[i] = Math.min(0xffff, this.#avail[i]! + this.#seeds);
    return out;
  }

  /** How many connected peers have the piece. */
  availability(index: number): number {
    return (this.#avail[index] ?? 0) + this.#seeds;
  }

  peerHas(peer: P, index: number): boolean {
    const ps = this.#peers.get(peer);
    return ps !== undefined && (ps.bits === null ? index >= 0 && index < this.pieceCount : ps.bits.has(index));
  }

  /** Whether the peer has a piece we want (decides our `interested`): at worst one AND per 8 pieces. */
  isInteresting(peer: P): boolean {
    const ps = this.#peers.get(peer);
    if (!ps) return false;
    if (ps.bits === null) return this.#wanted.count > 0;
    if (ps.bits.count === 0) return false;
    if (ps.sparse) return ps.sparse.some((i) => this.wants(i));
    const theirs = ps.bits.bytes;
    const wanted = this.#wanted.bytes;
    for (let k = 0; k < theirs.length; k++) if ((theirs[k]! & wanted[k]!) !== 0) return true;
    return false;
  }

  // ── requests ─────────────────────────────────────────────────────────────────────────────

  /** Requests out with this peer. */
  outstanding(peer: P): number {
    return this.#peers.get(peer)?.outstanding.size ?? 0;
  }

  isSnubbed(peer: P): boolean {
    return this.#peers.get(peer)?.snubbed ?? false;
  }

  /** Every missing wanted block is requested, so blocks are now asked of several peers. */
  get inEndgame(): boolean {
    if (this.#order.countBelow(EXCLUDED) > 0) return false;
    for (const p of this.#open) if (this.#priority[p.index]! > 0) return false;
    return this.#partials.size > 0;
  }

  /**
   * Up to `max` new requests for the peer, never for a piece it lacks or a block it already has
   * from us. A snubbed peer gets at most one request out at a time.
   */
  pick(peer: P, max: number, now = Date.now()): BlockRequest[] {
    const ps = this.#peers.get(peer);
    if (!ps) return [];
    if (ps.snubbed) max = Math.min(max, 1 - ps.outstanding.size);
    if (max <= 0 || (ps.bits !== null && ps.bits.count === 0)) return [];
    if (ps.outstanding.size === 0) ps.lastActivity = now;
    const out: BlockRequest[] = [];
    while (out.length < max) {
      const partial = this.#bestPartial(ps);
      let fresh = -1;
      if (!partial || this.#effPriority(partial.index) < this.#topCandidatePriority()) fresh = this.#pickFresh(ps);
      if (partial && (fresh < 0 || this.#effPriority(partial.index) >= this.#effPriority(fresh))) {
        this.#takeBlocks(partial, peer, ps, max, out, now);
      } else if (fresh >= 0) {
        this.#takeBlocks(this.#startPiece(fresh), peer, ps, max, out, now);
      } else {
        break;
      }
    }
    if (out.length < max && this.inEndgame) this.#pickEndgame(peer, ps, max, out, now);
    return out;
  }

  /** A block arrived from `peer`. */
  blockReceived(peer: P, index: number, begin: number, length: number, now = Date.now()): BlockReceived<P> {
    const ps = this.#peers.get(peer);
    if (ps) {
      ps.snubbed = false;
      ps.lastActivity = now;
    }
    const p = this.#partials.get(index);
    const b = begin / BLOCK_SIZE;
    if (!p || !Number.isInteger(b) || b < 0 || b >= p.blockCount || length !== this.#blockLength(index, b)) {
      return { wanted: false, cancels: NO_CANCELS, pieceComplete: false };
    }
    const key = index * this.blocksPerPiece + b;
    ps?.outstanding.delete(key);
    if (p.received[b]) {
      this.#removeRequester(p, b, peer);
      return { wanted: false, cancels: NO_CANCELS, pieceComplete: false };
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
    if (p.receivedCount === p.blockCount) this.#wanted.clear(index);
    return { wanted: true, cancels: cancels ?? NO_CANCELS, pieceComplete: p.receivedCount === p.blockCount };
  }

  #cancelFor(other: P, key: number, index: number, begin: number, length: number): Cancel<P> {
    this.#peers.get(other)?.outstanding.delete(key);
    return { peer: other, block: { index, begin, length } };
  }

  /** A request got no answer in time: another peer may have the block now. */
  requestTimedOut(peer: P, block: BlockRequest): void {
    this.#returnBlock(peer, block);
  }

  /** BEP 6 `reject request`. */
  rejected(peer: P, block: BlockRequest): void {
    this.#returnBlock(peer, block);
  }

  /**
   * All of the peer's requests go back to the pool (it choked us without the fast extension, or
   * it is being snubbed). Returns them, e.g. to send cancels.
   */
  dropRequests(peer: P): BlockRequest[] {
    const ps = this.#peers.get(peer);
    if (!ps) return [];
    const dropped: BlockRequest[] = [];
    for (const key of ps.outstanding.keys()) {
      const index = Math.floor(key / this.blocksPerPiece);
      const b = key - index * this.blocksPerPiece;
      dropped.push({ index, begin: b * BLOCK_SIZE, length: this.#blockLength(index, b) });
    }
    for (const block of dropped) this.#returnBlock(peer, block);
    return dropped;
  }

  /** The peer sent nothing for a long time while we waited: its requests go to others. */
  snubbed(peer: P): BlockRequest[] {
    const ps = this.#peers.get(peer);
    if (!ps) return [];
    ps.snubbed = true;
    return this.dropRequests(peer);
  }

  /**
   * Peers that have had requests out and delivered nothing for `afterMs`: call `snubbed` for each.
   * A snubbed peer shows up again if its single request also goes unanswered that long.
   */
  stalledPeers(now = Date.now(), afterMs = 60_000): P[] {
    const stalled: P[] = [];
    for (const [peer, ps] of this.#peers) {
      if (ps.outstanding.size > 0 && now - ps.lastActivity >= afterMs) stalled.push(peer);
    }
    return stalled;
  }

  /** Requests out with the peer, with the time each was made. */
  requestsOf(peer: P): { block: BlockRequest; requestedAt: number }[] {
    const ps = this.#peers.get(peer);
    if (!ps) return [];
    return [...ps.outstanding].map(([key, requestedAt]) => {
      const index = Math.floor(key / this.blocksPerPiece);
      const b = key - index * this.blocksPerPiece;
      return { block: { index, begin: b * BLOCK_SIZE, length: this.#blockLength(index, b) }, requestedAt };
    });
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────

  #peer(peer: P): PeerState {
    let ps = this.#peers.get(peer);
    if (!ps) {
      this.addPeer(peer);
      ps = this.#peers.get(peer)!;
    }
    return ps;
  }

  /** Takes the peer's pieces out of the availability counts and leaves it with none. */
  #forgetAvailability(ps: PeerState): void {
    if (ps.bits === null) {
      this.#seeds--;
      ps.bits = new Bitfield(this.pieceCount);
      ps.sparse = [];
      return;
    }
    const bytes = ps.bits.bytes;
    for (let byte = 0; byte < bytes.length; byte++) {
      const v = bytes[byte]!;
      if (v === 0) continue;
      for (let bit = 0; bit < 8; bit++) if (v & (0x80 >> bit)) this.#changeAvail(byte * 8 + bit, -1);
    }
    ps.bits = new Bitfield(this.pieceCount);
    ps.sparse = [];
  }

  #changeAvail(index: number, delta: number): void {
    const before = this.#avail[index]!;
    this.#avail[index] = before + delta;
    if (this.#state[index] === CANDIDATE && (before < AVAIL_CAP || before + delta < AVAIL_CAP)) {
      this.#order.setKey(index, this.#keyFor(index));
    }
  }

  #effPriority(index: number): number {
    const prio = this.#priority[index]!;
    if (prio === 0) return 0;
    return this.#boosted[index] ? BOOSTED : prio;
  }

  #keyFor(index: number): number {
    if (this.#state[index] !== CANDIDATE) return EXCLUDED;
    return (BOOSTED - this.#effPriority(index)) * KEYS_PER_CLASS + Math.min(this.#avail[index]!, AVAIL_CAP);
  }

  /** Re-files a piece after its priority or boost changed. */
  #refresh(index: number): void {
    const s = this.#state[index];
    if (s === CANDIDATE || s === SKIPPED) {
      this.#state[index] = this.#priority[index] === 0 ? SKIPPED : CANDIDATE;
      if (index < this.#seqCursor) this.#seqCursor = index;
    }
    this.#syncWanted(index);
    this.#order.setKey(index, this.#keyFor(index));
  }

  #syncWanted(index: number): void {
    if (this.wants(index)) this.#wanted.set(index);
    else this.#wanted.clear(index);
  }

  #topCandidatePriority(): number {
    if (this.#order.countBelow(EXCLUDED) === 0) return 0;
    return this.#effPriority(this.#order.order[0]!);
  }

  #peerHas(ps: PeerState, index: number): boolean {
    return ps.bits === null || ps.bits.has(index);
  }

  #bestPartial(ps: PeerState): PartialPiece<P> | undefined {
    let best: PartialPiece<P> | undefined;
    let bestPrio = 0;
    for (const p of this.#open) {
      const prio = this.#effPriority(p.index);
      if (prio > bestPrio && this.#peerHas(ps, p.index)) {
        best = p;
        bestPrio = prio;
      }
    }
    return best;
  }

  /** A piece nobody has started that the peer has, or -1. */
  #pickFresh(ps: PeerState): number {
    const end = this.#order.countBelow(EXCLUDED);
    if (end === 0) return -1;
    const order = this.#order.order;
    if (this.sequential) return this.#pickSequential(ps);
    if (ps.sparse) return this.#pickFromList(ps.sparse);
    if (this.have.count < this.#randomFirst) {
      // Random among the top priority class, so the first pieces are quick to share.
      const topClass = BOOSTED - this.#effPriority(order[0]!);
      const classEnd = this.#order.countBelow((topClass + 1) * KEYS_PER_CLASS);
      const r = Math.floor(this.#random() * classEnd);
      for (let k = 0; k < classEnd; k++) {
        const i = order[(r + k) % classEnd]!;
        if (this.#peerHas(ps, i)) return i;
      }
      for (let p = classEnd; p < end; p++) if (this.#peerHas(ps, order[p]!)) return order[p]!;
      return -1;
    }
    for (let p = 0; p < end; p++) {
      const i = order[p]!;
      if (this.#peerHas(ps, i)) return i;
    }
    return -1;
  }

  /** The best candidate among a few pieces: the one the order ranks first (random in the random phase). */
  #pickFromList(pieces: readonly number[]): number {
    let best = -1;
    let bestPos = Infinity;
    let ties = 0;
    const randomPhase = this.have.count < this.#randomFirst;
    for (const i of pieces) {
      if (this.#state[i] !== CANDIDATE) continue;
      const pos = this.#order.positionOf(i);
      if (randomPhase && best >= 0 && this.#effPriority(i) === this.#effPriority(best)) {
        // Reservoir sampling over the pieces of the best class seen so far.
        if (this.#random() * ++ties < 1) best = i;
        if (pos < bestPos) bestPos = pos;
        continue;
      }
      if (pos < bestPos) {
        best = i;
        bestPos = pos;
        ties = 1;
      }
    }
    return best;
  }

  /** Lowest index first, but still highest priority (and boosted pieces) first. */
  #pickSequential(ps: PeerState): number {
    while (this.#seqCursor < this.pieceCount && this.#state[this.#seqCursor] !== CANDIDATE) this.#seqCursor++;
    const top = this.#topCandidatePriority();
    let fallback = -1;
    for (let i = this.#seqCursor; i < this.pieceCount; i++) {
      if (this.#state[i] !== CANDIDATE || !this.#peerHas(ps, i)) continue;
      const prio = this.#effPriority(i);
      if (prio === top) return i;
      if (fallback < 0 || prio > this.#effPriority(fallback)) fallback = i;
    }
    return fallback;
  }

  #startPiece(index: number): PartialPiece<P> {
    const blockCount = this.blockCount(index);
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
    this.#state[index] = PARTIAL;
    this.#order.setKey(index, EXCLUDED);
    return p;
  }

  #dropPartial(p: PartialPiece<P>): void {
    this.#partials.delete(p.index);
    this.#open.delete(p);
    this.#state[p.index] = this.#priority[p.index] === 0 ? SKIPPED : CANDIDATE;
    this.#syncWanted(p.index);
    if (p.index < this.#seqCursor) this.#seqCursor = p.index;
    this.#order.setKey(p.index, this.#keyFor(p.index));
  }

  #takeBlocks(p: PartialPiece<P>, peer: P, ps: PeerState, max: number, out: BlockRequest[], now: number): void {
    for (let b = p.hint; b < p.blockCount && out.length < max; b++) {
      if (p.received[b] || p.requester[b] !== undefined) {
        if (b === p.hint) p.hint++;
        continue;
      }
      p.requester[b] = peer;
      if (--p.unrequested === 0) this.#open.delete(p);
      if (b === p.hint) p.hint++;
      ps.outstanding.set(p.index * this.blocksPerPiece + b, now);
      out.push({ index: p.index, begin: b * BLOCK_SIZE, length: this.#blockLength(p.index, b) });
    }
  }

  #pickEndgame(peer: P, ps: PeerState, max: number, out: BlockRequest[], now: number): void {
    // Least-requested blocks first: one pass per requester count.
    for (let have = 1; have < this.#endgameRequesters && out.length < max; have++) {
      for (const p of this.#partials.values()) {
        if (out.length >= max) return;
        if (this.#priority[p.index] === 0 || !this.#peerHas(ps, p.index)) continue;
        for (let b = 0; b < p.blockCount && out.length < max; b++) {
          const first = p.requester[b];
          if (p.received[b] || first === undefined || first === peer) continue;
          const dups = p.dup?.get(b);
          if (1 + (dups?.length ?? 0) !== have || dups?.includes(peer)) continue;
          if (dups) dups.push(peer);
          else (p.dup ??= new Map()).set(b, [peer]);
          ps.outstanding.set(p.index * this.blocksPerPiece + b, now);
          out.push({ index: p.index, begin: b * BLOCK_SIZE, length: this.#blockLength(p.index, b) });
        }
      }
    }
  }

  #returnBlock(peer: P, block: BlockRequest): void {
    const ps = this.#peers.get(peer);
    const b = block.begin / BLOCK_SIZE;
    // A peer's reject names any block it likes; only exact blocks of real pieces map to a key.
    if (!ps || !Number.isInteger(b) || !Number.isInteger(block.index) || block.index < 0 || block.index >= this.pieceCount) return;
    if (b < 0 || b >= this.blockCount(block.index)) return;
    const key = block.index * this.blocksPerPiece + b;
    if (!ps.outstanding.delete(key)) return;
    const p = this.#partials.get(block.index);
    if (!p || p.received[b]) return;
    this.#removeRequester(p, b, peer);
    if (p.requester[b] === undefined) {
      if (p.unrequested++ === 0) this.#open.add(p);
      if (b < p.hint) p.hint = b;
      // Nothing of it requested or received: it is a fresh piece again, to be ranked by rarity.
      if (p.unrequested === p.blockCount) this.#dropPartial(p);
    }
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

  #pieceSize(index: number): number {
    return index === this.pieceCount - 1 ? this.lastPieceLength : this.pieceLength;
  }

  #blockLength(index: number, b: number): number {
    return Math.min(BLOCK_SIZE, this.#pieceSize(index) - b * BLOCK_SIZE);
  }

  #checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) throw new RangeError(`piece ${index} is out of range`);
  }
}
