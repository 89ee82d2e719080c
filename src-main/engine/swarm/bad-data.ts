import type { Metainfo } from '../metainfo/metainfo';
import { BLOCK_SIZE } from '../picker/piece-picker';
import type { Storage } from '../storage/storage';
import type { HashExchange } from './hash-exchange';
import { SmartBan } from './smart-ban';
import type { SwarmTotals } from './swarm';
import type { SwarmPeer } from './swarm-peer';

/** A peer that sent this many bytes of pieces that failed, alone, is banned. */
const BAN_AFTER_SUSPECT_BYTES = 4 * 1024 * 1024;

export interface BadDataOptions {
  readonly metainfo: Metainfo;
  readonly totals: SwarmTotals;
  storage(): Storage;
  /** The connected peer with this key, if any. */
  peer(key: string): SwarmPeer | undefined;
  /** BEP 52 hashes, for a torrent with Merkle trees: failed pieces judged by their leaf hashes. */
  readonly hashes?: HashExchange | undefined;
  ban(key: string, why: string): void;
  log(message: string): void;
}

/**
 * Finds who sent the bad data of pieces that failed their check: the one sender of a piece; for
 * pieces of several senders, the blocks the file's Merkle tree proves wrong (v2, as soon as a peer
 * sends the leaf hashes), or else the blocks that differ once the piece passes (smart ban); and
 * peers that took part in too many failures.
 */
export class BadData {
  readonly #o: BadDataOptions;
  readonly #smartBan = new SmartBan();

  constructor(options: BadDataOptions) {
    this.#o = options;
  }

  /** Piece `index` failed; `senders` says who sent each of its blocks (by block index). */
  async failed(index: number, senders: ReadonlyMap<number, string>): Promise<void> {
    const m = this.#o.metainfo;
    const size = index === m.pieceCount - 1 ? m.lastPieceLength : m.pieceLength;
    const totals = this.#o.totals;
    totals.wasted += size;
    totals.hashFailures++;
    const contributors = new Set(senders.values());
    this.#o.log(`piece ${index} failed its hash check (sent by ${[...contributors].join(', ')})`);
    if (contributors.size === 1) {
      // One sender: the bad data is certainly theirs.
      const [only] = contributors;
      this.#o.ban(only!, `sent piece ${index}, which failed its hash check`);
      return;
    }
    // Several senders: remember who sent what, and judge once the piece passes, or sooner by
    // its leaf hashes (BEP 52) where a peer sends them.
    const data = await this.#read(index);
    if (data) {
      this.#smartBan.failed(index, senders, blocksOf(data));
      this.#o.hashes?.pieceFailed(index, data, senders);
    }
    for (const key of contributors) {
      const peer = this.#o.peer(key);
      if (!peer) continue;
      peer.suspectBytes += size;
      if (peer.suspectBytes >= BAN_AFTER_SUSPECT_BYTES) this.#o.ban(key, 'took part in too many pieces that failed');
    }
  }

  /** Piece `index` passed: if it had failed before, those whose blocks differed from the good ones are banned. */
  async passed(index: number): Promise<void> {
    if (!this.#smartBan.isSuspect(index)) return;
    const data = await this.#read(index);
    if (data) for (const key of this.#smartBan.passed(index, blocksOf(data))) this.#o.ban(key, `sent corrupt data for piece ${index}`);
  }

  /** A piece as it is on disk now, or null if unreadable. */
  async #read(index: number): Promise<Uint8Array | null> {
    try {
      return await this.#o.storage().readPiece(index);
    } catch {
      return null;
    }
  }
}

function blocksOf(piece: Uint8Array): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  for (let at = 0; at < piece.length; at += BLOCK_SIZE) blocks.push(piece.subarray(at, at + BLOCK_SIZE));
  return blocks;
}
