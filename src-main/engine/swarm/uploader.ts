import { isShoalError, ShoalError } from '../../../src-shared/errors';
import type { TorrentBandwidth } from '../bandwidth/bandwidth-limiter';
import type { Storage } from '../storage/storage';
import type { BlockRef } from '../wire/messages';
import { Choker } from './choker';
import type { SwarmTotals } from './swarm';
import type { SwarmPeer } from './swarm-peer';

/** Requests a peer may have waiting with us; more is abuse (we advertise this as `reqq`). */
export const MAX_QUEUED_REQUESTS = 500;
const OPTIMISTIC_EVERY_ROUNDS = 3;
/** Queued bytes on a socket above which we stop reading blocks from disk for it. */
const UPLOAD_HIGH_WATER = 1024 * 1024;

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

  constructor(options: UploaderOptions) {
    this.#o = options;
    this.#choker = new Choker({ slots: options.uploadSlots, optimisticEvery: OPTIMISTIC_EVERY_ROUNDS });
  }

  /** Stops serving at once (a share limit was reached): every peer choked, every queued request dropped. */
  chokeAll(): void {
    for (const peer of this.#o.peers()) {
      peer.uploadQueue.length = 0;
      if (!peer.conn.amChoking) peer.conn.choke();
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
    if (conn.amChoking || !this.#o.storage().have.has(block.index)) {
      if (conn.fastExtension) conn.sendReject(block);
      return;
    }
    if (peer.uploadQueue.length >= MAX_QUEUED_REQUESTS) {
      conn.close(`sent more than ${MAX_QUEUED_REQUESTS} requests at once`, new ShoalError('protocol', 'The peer flooded us with requests.'));
      return;
    }
    peer.uploadQueue.push(block);
    this.serve(peer);
  }

  onCancel(peer: SwarmPeer, block: BlockRef): void {
    const i = peer.uploadQueue.findIndex((b) => b.index === block.index && b.begin === block.begin && b.length === block.length);
    if (i >= 0) peer.uploadQueue.splice(i, 1);
  }

  /**
   * Sends queued blocks while the socket keeps up (resumes on `drain`) and the upload limit allows
   * (resumes when it does; protocol messages never wait for it).
   */
  serve(peer: SwarmPeer): void {
    const { conn } = peer;
    if (peer.serving || peer.uploadQueue.length === 0 || conn.writableLength > UPLOAD_HIGH_WATER || !conn.isOpen) return;
    const limit = this.#o.bandwidth.up;
    if (!limit.open) {
      limit.wait(peer.serveWhenAllowed);
      return;
    }
    const block = peer.uploadQueue.shift()!;
    limit.consume(block.length);
    peer.serving = true;
    this.#o
      .storage()
      .readBlock(block.index, block.begin, block.length)
      .then(
        (data) => {
          peer.serving = false;
          if (!conn.isOpen || conn.amChoking) return;
          conn.sendPiece(block.index, block.begin, data);
          this.#o.totals.uploaded += data.length;
          this.#o.uploaded(data.length);
          this.serve(peer);
        },
        (err: unknown) => {
          peer.serving = false;
          if (isShoalError(err) && err.code === 'protocol') conn.close(`bad request: ${err.message}`, err);
          else this.#o.storageError(err);
        },
      );
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
      isSeed: p.isSeed,
    }));
    const unchoke = this.#choker.rechoke(candidates, seeding);
    for (const peer of peers) {
      if (unchoke.has(peer.key)) {
        if (peer.conn.amChoking) peer.conn.unchoke();
      } else if (!peer.conn.amChoking) {
        peer.conn.choke();
        peer.uploadQueue.length = 0;
      }
    }
  }
}
