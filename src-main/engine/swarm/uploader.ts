import { isShoalError, ShoalError } from '../../../src-shared/errors';
import type { TorrentBandwidth } from '../bandwidth/bandwidth-limiter';
import { ChunkHolds } from '../storage/read-cache';
import type { Storage } from '../storage/storage';
import type { BlockRef } from '../wire/messages';
import { Choker } from './choker';
import { allowedFastFor } from './fast-extension';
import type { SwarmTotals } from './swarm';
import type { SwarmPeer } from './swarm-peer';

/** Requests a peer may have waiting with us; more is abuse (we advertise this as `reqq`). */
export const MAX_QUEUED_REQUESTS = 500;
const OPTIMISTIC_EVERY_ROUNDS = 3;
/** Queued bytes on a socket above which we stop reading blocks from disk for it. */
const UPLOAD_HIGH_WATER = 1024 * 1024;
/** Pieces suggested to one peer over its connection, at most. */
const MAX_SUGGESTED = 64;

export interface UploaderOptions {
  /** The peers trading now. */
  peers(): Iterable<SwarmPeer>;
  /** Where blocks are read from (it changes when the data moves). */
  storage(): Storage;
  readonly bandwidth: TorrentBandwidth;
  /** Regular upload slots (plus one optimistic). */
  readonly uploadSlots: number;
  readonly totals: SwarmTotals;
  /** A block went out (already counted in `totals.uploaded`). */
  uploaded(bytes: number): void;
  storageError(err: unknown): void;
}

/** The upload side of trading: who is unchoked, and serving the blocks they ask for from storage. */
export class Uploader {
  readonly #o: UploaderOptions;
  readonly #choker: Choker;
  /** A share limit stopped all serving (`chokeAll`): until the torrent starts again, nothing is served, allowed fast or not. */
  #halted = false;

  constructor(options: UploaderOptions) {
    this.#o = options;
    this.#choker = new Choker({ slots: options.uploadSlots, optimisticEvery: OPTIMISTIC_EVERY_ROUNDS });
  }

  /**
   * Stops serving at once (a share limit was reached): every peer choked, every queued request
   * dropped (rejected, to fast-extension peers), allowed-fast ones too, and no more served.
   */
  chokeAll(): void {
    this.#halted = true;
    for (const peer of this.#o.peers()) this.choke(peer);
  }

  /** The torrent (re)started: serving may go on. */
  resume(): void {
    this.#halted = false;
  }

  /**
   * Chokes the peer. Its queued requests are dropped: without the fast extension the choke says
   * so; with it, each gets a reject (BEP 6), sent after the choke so the peer does not ask again,
   * except those for allowed-fast pieces, which we still serve.
   */
  choke(peer: SwarmPeer): void {
    const { conn } = peer;
    conn.choke();
    if (!conn.fastExtension) {
      peer.uploadQueue.length = 0;
      return;
    }
    const kept = peer.uploadQueue.filter((block) => this.#allowedFast(peer, block.index));
    for (const block of peer.uploadQueue) if (!this.#allowedFast(peer, block.index)) conn.sendReject(block);
    peer.uploadQueue.length = 0;
    peer.uploadQueue.push(...kept);
  }

  /** The peer connected: with the fast extension it gets its allowed-fast set, as far as we have those pieces. */
  greet(peer: SwarmPeer, infoHash: Uint8Array, pieceCount: number): void {
    if (!peer.conn.fastExtension) return;
    peer.allowedFastTo = allowedFastFor(infoHash, peer.address.host, pieceCount);
    const have = this.#o.storage().have;
    for (const index of peer.allowedFastTo) if (have.has(index)) peer.conn.sendAllowedFast(index);
  }

  /** We verified a piece: peers whose allowed-fast set holds it learn they may ask for it. */
  pieceVerified(index: number): void {
    for (const peer of this.#o.peers()) {
      if (peer.allowedFastTo.has(index) && peer.conn.isOpen && !peer.has.has(index)) peer.conn.sendAllowedFast(index);
    }
  }

  /**
   * A piece was just read into the cache while seeding: suggest it (BEP 6) to the peers we serve
   * that lack it, so they ask for it while it is there. Each peer hears of a piece once, and of at
   * most `MAX_SUGGESTED` pieces over the connection.
   */
  pieceCached(index: number): void {
    if (!this.#o.storage().have.complete) return;
    for (const peer of this.#o.peers()) {
      const { conn } = peer;
      if (!conn.fastExtension || conn.amChoking || !conn.peerInterested || !conn.isOpen) continue;
      if (peer.has.has(index) || peer.suggestedTo.has(index) || peer.suggestedTo.size >= MAX_SUGGESTED) continue;
      peer.suggestedTo.add(index);
      conn.sendSuggest(index);
    }
  }

  /** A free upload slot goes to a newcomer at once rather than at the next choke round. */
  onInterested(peer: SwarmPeer): void {
    let unchoked = 0;
    for (const p of this.#o.peers()) if (!p.conn.amChoking) unchoked++;
    if (unchoked < this.#o.uploadSlots) peer.conn.unchoke();
  }

  onRequest(peer: SwarmPeer, block: BlockRef): void {
    const { conn } = peer;
    if (!this.#servable(peer, block.index)) {
      // BEP 6: every request we will not serve gets its reject.
      if (conn.fastExtension) conn.sendReject(block);
      return;
    }
    if (peer.uploadQueue.length >= MAX_QUEUED_REQUESTS) {
      conn.close(`sent more than ${MAX_QUEUED_REQUESTS} requests at once`, new ShoalError('protocol', 'The peer flooded us with requests.'));
      return;
    }
    peer.uploadQueue.push(block);
    // Requests arrive many to a read: serve them together once all of the read is handled.
    if (!peer.serveQueued) {
      peer.serveQueued = true;
      queueMicrotask(peer.serveWhenAllowed);
    }
  }

  onCancel(peer: SwarmPeer, block: BlockRef): void {
    const i = peer.uploadQueue.findIndex((b) => b.index === block.index && b.begin === block.begin && b.length === block.length);
    if (i < 0) return;
    peer.uploadQueue.splice(i, 1);
    // BEP 6: a cancelled request still gets exactly one answer.
    if (peer.conn.fastExtension) peer.conn.sendReject(block);
  }

  /**
   * Sends queued blocks while the socket keeps up (resumes on `drain`) and the upload limit allows
   * (resumes when it does; protocol messages never wait for it). Blocks go out in batches: every
   * queued block the socket and the limit have room for is read at once (mostly from one cached
   * chunk) and written under one cork, so a fast peer costs one system call per batch, not per block.
   * A batch whose blocks are all cached is sent at once, without a promise per block.
   */
  serve(peer: SwarmPeer): void {
    peer.serveQueued = false;
    const { conn } = peer;
    const storage = this.#o.storage();
    while (!peer.serving && peer.uploadQueue.length > 0 && conn.writableLength <= UPLOAD_HIGH_WATER && conn.isOpen) {
      const limit = this.#o.bandwidth.up;
      if (!limit.open) {
        limit.wait(peer.serveWhenAllowed);
        return;
      }
      const batch: BlockRef[] = [];
      let bytes = conn.writableLength;
      while (peer.uploadQueue.length > 0 && bytes <= UPLOAD_HIGH_WATER && limit.open) {
        const block = peer.uploadQueue.shift()!;
        limit.consume(block.length);
        batch.push(block);
        bytes += block.length;
      }
      // The cache reuses the batch's chunks only once the socket has written the last block sent.
      const holds = new ChunkHolds();
      const cached: Uint8Array[] = [];
      try {
        for (const block of batch) {
          const data = storage.cachedBlock(block.index, block.begin, block.length, holds);
          if (data === undefined) break;
          cached.push(data);
        }
      } catch (err) {
        this.#readFailed(conn, holds, err);
        return;
      }
      if (cached.length < batch.length) {
        this.#readAndSend(peer, batch, holds);
        return;
      }
      this.#sendBatch(peer, batch, cached, holds);
    }
  }

  #readAndSend(peer: SwarmPeer, batch: readonly BlockRef[], holds: ChunkHolds): void {
    peer.serving = true;
    const storage = this.#o.storage();
    Promise.all(batch.map((block) => storage.readBlock(block.index, block.begin, block.length, holds))).then(
      (data) => {
        peer.serving = false;
        this.#sendBatch(peer, batch, data, holds);
        this.serve(peer);
      },
      (err: unknown) => {
        peer.serving = false;
        this.#readFailed(peer.conn, holds, err);
      },
    );
  }

  #sendBatch(peer: SwarmPeer, batch: readonly BlockRef[], data: readonly Uint8Array[], holds: ChunkHolds): void {
    const { conn } = peer;
    if (!conn.isOpen) {
      holds.release();
      return;
    }
    let last = batch.length - 1;
    while (last >= 0 && !this.#servable(peer, batch[last]!.index)) last--;
    if (last < 0) holds.release();
    conn.cork();
    for (let i = 0; i < batch.length; i++) this.#send(peer, batch[i]!, data[i]!, i === last ? () => holds.release() : undefined);
    conn.uncork();
  }

  /** A bad request closes the connection; a disk error is the torrent's. */
  #readFailed(conn: SwarmPeer['conn'], holds: ChunkHolds, err: unknown): void {
    holds.release();
    if (isShoalError(err) && err.code === 'protocol') conn.close(`bad request: ${err.message}`, err);
    else this.#o.storageError(err);
  }

  #send(peer: SwarmPeer, block: BlockRef, data: Uint8Array, written: (() => void) | undefined): void {
    const { conn } = peer;
    if (!this.#servable(peer, block.index)) {
      // Choked while the block was read: the queue was rejected without it, so reject it too.
      if (conn.fastExtension) conn.sendReject(block);
      return;
    }
    conn.sendPiece(block.index, block.begin, data, written);
    this.#o.totals.uploaded += data.length;
    this.#o.uploaded(data.length);
  }

  /** A choke round: the best uploaders to us (or downloaders from us, when seeding) get the slots. */
  rechoke(): void {
    const seeding = this.#o.storage().have.complete;
    const now = Date.now();
    const peers = [...this.#o.peers()];
    const candidates = peers.map((p) => ({
      id: p.key,
      interested: p.conn.peerInterested,
      downRate: p.conn.downloadRate(now),
      upRate: p.conn.uploadRate(now),
      isNew: now - p.connectedAt < 30_000,
      isSeed: p.uploadOnly,
    }));
    const unchoke = this.#choker.rechoke(candidates, seeding);
    for (const peer of peers) {
      if (unchoke.has(peer.key)) {
        if (peer.conn.amChoking) peer.conn.unchoke();
      } else if (!peer.conn.amChoking) {
        this.choke(peer);
      }
    }
  }

  /** Whether we serve this piece to the peer now: we have it, and it is unchoked or the piece is allowed fast. */
  #servable(peer: SwarmPeer, index: number): boolean {
    if (this.#halted || !this.#o.storage().have.has(index)) return false;
    return !peer.conn.amChoking || this.#allowedFast(peer, index);
  }

  #allowedFast(peer: SwarmPeer, index: number): boolean {
    return !this.#halted && peer.conn.fastExtension && peer.allowedFastTo.has(index);
  }
}
