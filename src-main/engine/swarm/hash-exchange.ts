import { leafHashes } from '../merkle';
import type { MerklePieces } from '../storage/merkle-pieces';
import type { Storage } from '../storage/storage';
import { HashFetcher } from './hash-fetcher';
import { HashServer } from './hash-server';
import type { SwarmPeer } from './swarm-peer';

export interface HashExchangeOptions {
  readonly merkle: MerklePieces;
  /** Where pieces are read from (it changes when the data moves). */
  storage(): Storage;
  /** The peers trading now. */
  peers(): Iterable<SwarmPeer>;
  /** Pieces may not be picked until every piece layer is known (v2-only torrents). */
  readonly layersGatePicking: boolean;
  /** Every piece layer is known now: picking may start. */
  layersComplete(): void;
  /** Senders of blocks of `piece` that the tree proves wrong. */
  culprits(piece: number, senders: readonly string[]): void;
  log(message: string): void;
}

/**
 * A v2 or hybrid torrent's BEP 52 hash messages with its peers: answering their `hash request`s
 * from our trees, fetching the piece layers a magnet's metadata lacks, and judging the blocks
 * of failed pieces by their leaf hashes.
 */
export class HashExchange {
  readonly #o: HashExchangeOptions;
  readonly #server: HashServer;
  readonly #fetcher: HashFetcher;

  constructor(options: HashExchangeOptions) {
    this.#o = options;
    const storage = options.storage();
    this.#server = new HashServer(options.merkle, options.storage, storage.layout.fileCount);
    this.#fetcher = new HashFetcher({
      merkle: options.merkle,
      layout: storage.layout,
      layerKnown: () => {
        if (this.#fetcher.layersComplete) options.layersComplete();
      },
      culprits: options.culprits,
      log: options.log,
    });
  }

  /** Whether blocks may be asked for: a v2-only torrent first needs every piece layer. */
  get canPick(): boolean {
    return !this.#o.layersGatePicking || this.#fetcher.layersComplete;
  }

  joined(peer: SwarmPeer): void {
    const { conn } = peer;
    conn.on('hashRequest', (ref) => {
      void this.#server.answer(ref).then((hashes) => {
        if (!conn.isOpen) return;
        if (hashes) conn.sendHashes(ref, hashes);
        else conn.sendHashReject(ref);
      });
    });
    conn.on('hashes', (ref, hashes) => {
      if (!this.#fetcher.received(peer, ref, hashes)) conn.close('protocol error: hashes that do not prove out against the tree');
      else this.#fetcher.fill([peer]);
    });
    conn.on('hashReject', (ref) => this.#fetcher.rejected(peer, ref));
  }

  left(peer: SwarmPeer): void {
    this.#fetcher.peerLeft(peer);
  }

  /** Asks the peers for what is missing (called on ticks and when peers say what they have). */
  fill(peers: Iterable<SwarmPeer>): void {
    this.#fetcher.fill(peers);
  }

  /**
   * A piece failed with blocks from several senders: `data` is the piece as it is on disk,
   * `senders` who sent each block by index. Its blocks are judged once a peer sends the leaves.
   */
  pieceFailed(piece: number, data: Uint8Array, senders: ReadonlyMap<number, string>): void {
    if (this.#o.merkle.fileOf(piece) < 0) return;
    this.#fetcher.blame(piece, leafHashes(data.subarray(0, this.#o.merkle.dataBytes(piece))), senders);
    // Asked at once: the piece is fetched again meanwhile, and may fail again.
    this.#fetcher.fill(this.#o.peers());
  }
}
