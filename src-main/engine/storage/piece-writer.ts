import type { Bitfield } from '../../../src-shared/bitfield';
import { ShoalError } from '../../../src-shared/errors';
import type { PieceLayout } from './layout';
import type { PieceHash, PieceHashes } from './piece-hash';
import type { TorrentFiles } from './torrent-files';

/**
 * What became of a block handed to `writeBlock`:
 * - `stored`: written; the piece still misses blocks (or another block's write finishes it);
 * - `duplicate`: that block (or the whole piece) was already there; nothing was written;
 * - `verified`: this block completed the piece and its hash matched (SHA-1, Merkle, or both);
 * - `failed`: this block completed the piece and its hash did not match; the piece's blocks
 *   are forgotten and must be fetched again.
 */
export type WriteOutcome = 'stored' | 'duplicate' | 'verified' | 'failed';

/** Told once what became of a block: its outcome, or the error that kept it off the disk. */
export type BlockDone = (error: unknown, outcome?: WriteOutcome) => void;

/** Largest slice read back at once when a piece's tail has to be hashed from disk. */
const READBACK_CHUNK = 1024 * 1024;

interface PieceInProgress {
  /**
   * One byte per block: 1 once a write of it has started (and not failed). The picker keeps its
   * own map of blocks received (see `PartialPiece.received`); this one guards the hashed bytes.
   */
  readonly received: Uint8Array;
  receivedCount: number;
  /** Writes started and not yet settled. */
  inflight: number;
  /** The piece's hash over its first `hashedUpTo` bytes, fed from memory as blocks arrive in order. */
  hash: PieceHash;
  hashedUpTo: number;
}

/**
 * Writes blocks as they arrive and checks each piece once its last block is on disk. Memory per
 * piece in progress is a block map and a SHA-1 state, never the piece's data: blocks that arrive
 * in order are hashed on the way to disk, and whatever came out of order is read back (from the
 * page cache, normally) when the piece completes.
 */
export class PieceWriter {
  readonly #layout: PieceLayout;
  readonly #files: TorrentFiles;
  readonly #hashes: PieceHashes;
  readonly #have: Bitfield;
  readonly #pieces = new Map<number, PieceInProgress>();
  /** Counts the `writeBlock`s (write and piece check) started since the last `idle` call and not yet settled. */
  #ticket = new WriteTicket();
  /** Tickets `idle` moved on from while some of their writes were still unsettled. */
  #older: WriteTicket[] = [];

  constructor(layout: PieceLayout, files: TorrentFiles, hashes: PieceHashes, have: Bitfield) {
    this.#layout = layout;
    this.#files = files;
    this.#hashes = hashes;
    this.#have = have;
  }

  /** Pieces with some blocks written and not yet verified. */
  get piecesInProgress(): number {
    return this.#pieces.size;
  }

  /**
   * Writes one block. `begin` must be a multiple of the block size and `data` exactly that
   * block's length. `data` must stay unchanged until `done` is called, always later, never from
   * inside this call. A callback rather than a promise: this runs for every block received.
   */
  writeBlock(piece: number, begin: number, data: Uint8Array, done: BlockDone): void {
    let block: number;
    try {
      block = this.#checkBlock(piece, begin, data.length);
    } catch (err) {
      queueMicrotask(() => done(err));
      return;
    }
    if (this.#have.has(piece)) {
      queueMicrotask(() => done(undefined, 'duplicate'));
      return;
    }
    let state = this.#pieces.get(piece);
    if (state === undefined) {
      state = { received: new Uint8Array(this.#layout.blockCount(piece)), receivedCount: 0, inflight: 0, hash: this.#hashes.start(piece), hashedUpTo: 0 };
      this.#pieces.set(piece, state);
    }
    // First copy wins: a second copy of a block (endgame) is not written, so a piece's bytes on
    // disk are always the bytes that were hashed.
    if (state.received[block] === 1) {
      queueMicrotask(() => done(undefined, 'duplicate'));
      return;
    }
    state.received[block] = 1;
    state.receivedCount++;
    if (begin === state.hashedUpTo) {
      state.hash.update(data);
      state.hashedUpTo += data.length;
    }
    state.inflight++;
    const ticket = this.#ticket;
    ticket.left++;
    this.#files.write(this.#layout.pieceOffset(piece) + begin, data, (err) => {
      state.inflight--;
      if (err !== undefined) {
        state.received[block] = 0;
        state.receivedCount--;
        if (state.hashedUpTo > begin) {
          // The hash already took bytes that never reached the disk; start over from disk at the end.
          state.hash = this.#hashes.start(piece);
          state.hashedUpTo = 0;
        }
        ticket.end();
        done(err);
        return;
      }
      // Only the write that settles last starts the check, so no write of this piece is still
      // in flight while it is read back and hashed.
      if (state.receivedCount < state.received.length || state.inflight > 0 || this.#pieces.get(piece) !== state) {
        ticket.end();
        done(undefined, 'stored');
        return;
      }
      this.#check(piece, state).then(
        (outcome) => {
          ticket.end();
          done(undefined, outcome);
        },
        (checkErr: unknown) => {
          ticket.end();
          done(checkErr);
        },
      );
    });
  }

  /**
   * Checks a piece whose blocks are all written. It stays in the map while it is checked: every
   * block counts as received, so a late duplicate cannot overwrite bytes being (or just) verified.
   */
  async #check(piece: number, state: PieceInProgress): Promise<WriteOutcome> {
    try {
      const ok = await this.#finish(piece, state);
      if (ok) this.#have.set(piece);
      return ok ? 'verified' : 'failed';
    } finally {
      if (this.#pieces.get(piece) === state) this.#pieces.delete(piece);
    }
  }

  /** Reads the whole piece back and checks it; updates `have` either way. */
  async verifyPiece(piece: number): Promise<boolean> {
    this.checkPiece(piece);
    const ok = await this.#finish(piece, { hash: this.#hashes.start(piece), hashedUpTo: 0 });
    if (ok) this.#have.set(piece);
    else this.#have.clear(piece);
    return ok;
  }

  /** Forgets every piece in progress (after a recheck, the disk is the truth). */
  reset(): void {
    this.#pieces.clear();
  }

  /** A write is in flight: the files' sizes and times may be about to change. */
  get writing(): boolean {
    return this.#ticket.left > 0 || this.#older.some((t) => t.left > 0);
  }

  /**
   * Resolves once every write (and piece check) started before the call has settled. Later
   * writes are not waited for, so a busy download cannot starve the caller.
   */
  async idle(): Promise<void> {
    const waiting = [...this.#older, this.#ticket].filter((t) => t.left > 0);
    this.#older = waiting;
    this.#ticket = new WriteTicket();
    await Promise.all(waiting.map((t) => t.settled()));
  }

  async #finish(piece: number, state: Pick<PieceInProgress, 'hash' | 'hashedUpTo'>): Promise<boolean> {
    const size = this.#layout.pieceSize(piece);
    const start = this.#layout.pieceOffset(piece);
    if (state.hashedUpTo < size) {
      const buffer = Buffer.allocUnsafe(Math.min(READBACK_CHUNK, size - state.hashedUpTo));
      for (let at = state.hashedUpTo; at < size; ) {
        const slice = buffer.subarray(0, Math.min(buffer.length, size - at));
        await this.#files.read(start + at, slice);
        state.hash.update(slice);
        at += slice.length;
      }
    }
    return state.hash.matches();
  }

  /** Throws ShoalError 'protocol' unless `piece` is one of the torrent's pieces. */
  checkPiece(piece: number): void {
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.#layout.pieceCount) {
      throw new ShoalError('protocol', `piece ${piece} does not exist in this torrent`);
    }
  }

  #checkBlock(piece: number, begin: number, length: number): number {
    this.checkPiece(piece);
    const block = begin / this.#layout.blockSize;
    if (!Number.isInteger(block) || block < 0 || block >= this.#layout.blockCount(piece) || length !== this.#layout.blockLength(piece, block)) {
      throw new ShoalError('protocol', `block ${begin}+${length} of piece ${piece} is not a block this torrent has`);
    }
    return block;
  }
}

/** Writes started in one span between `idle` calls: how many have not settled yet. */
class WriteTicket {
  left = 0;
  #settled: Promise<void> | undefined;
  #resolve: (() => void) | undefined;

  end(): void {
    if (--this.left === 0) this.#resolve?.();
  }

  settled(): Promise<void> {
    if (this.left === 0) return Promise.resolve();
    return (this.#settled ??= new Promise((resolve) => (this.#resolve = resolve)));
  }
}
