import { Bitfield } from '../../../src-shared/bitfield';
import { asShoalError, reasonOf, type ShoalError } from '../../../src-shared/errors';
import type { TorrentBandwidth } from '../bandwidth/bandwidth-limiter';
import type { Metainfo } from '../metainfo/metainfo';
import { BLOCK_SIZE, type BlockRequest, type Cancel, type PiecePicker } from '../picker/piece-picker';
import { requestDepth } from '../picker/request-depth';
import type { Storage } from '../storage/storage';
import type { WebSeed } from '../webseed/web-seed';
import { WebSeeds } from '../webseed/web-seeds';
import { BlockPool } from '../wire/block-pool';
import type { PeerConnection } from '../wire/peer-connection';
import { UT_METADATA_LOCAL_ID } from '../wire/ut-metadata';
import { SwarmPex } from './swarm-pex';
import { UT_PEX_LOCAL_ID } from '../discovery/pex-link';
import { addPieceHint, removePieceHint } from './fast-extension';
import { MetadataResponder } from './metadata-responder';
import { addressOfKey, type PeerAddress } from '../net/peer-address';
import { BadData } from './bad-data';
import { HashExchange } from './hash-exchange';
import type { PeerExchange, Swarm } from './swarm';
import { SwarmPeer, type PeerSource } from './swarm-peer';
import { MAX_QUEUED_REQUESTS, Uploader } from './uploader';

export interface TradingOptions {
  /** The torrent's swarm: its totals, and bans. */
  readonly swarm: Swarm;
  readonly metainfo: Metainfo;
  readonly storage: Storage;
  readonly picker: PiecePicker<BlockSender>;
  /** Regular upload slots (plus one optimistic). */
  readonly uploadSlots?: number;
  /** The torrent's speed limits (with the global ones behind them). */
  readonly bandwidth: TorrentBandwidth;
  /** The `pex` setting (BEP 11); a private torrent never exchanges peers, whatever it says. */
  readonly pex?: () => boolean;
  readonly events: TradingEvents;
}

export interface TradingEvents {
  /** Every wanted piece is verified. */
  complete(): void;
  /** Storage failed (disk full, no permission): the torrent should stop with this message. */
  storageError(error: ShoalError): void;
  /** Something worth a line in a log: a hash failure, a snub. */
  log(message: string): void;
  /** A block went out (already counted in `totals.uploaded`): share limits are checked per block. */
  uploaded(bytes: number): void;
  /** What the torrent's list row shows of the swarm changed: a peer came or left or became a seed, a block arrived, a piece verified. */
  changed(): void;
  /** Every file's piece layer (BEP 52) is known now, some fetched from peers: `Storage.merkle` has them. */
  layersKnown?(): void;
}

/** Who blocks come from: a peer, or a web seed (BEP 19) through the same picker and checks. */
export type BlockSender = SwarmPeer | WebSeed;

const TICK_MS = 1000;
const CHOKE_EVERY_TICKS = 10;
const SNUB_AFTER_MS = 60_000;
/** Requests kept out with a peer before its rate is known. */
const INITIAL_DEPTH = 64;
/**
 * Block bytes received and not yet on disk above which we stop reading from peers, and below
 * which we read again: memory stays bounded when the disk is slower than the network.
 */
const DISK_BACKLOG_HIGH = 8 * 1024 * 1024;
const DISK_BACKLOG_LOW = 2 * 1024 * 1024;
/**
 * Received blocks of every torrent are copied into buffers reused once written, so a fast
 * download does not leave the collector tens of MiB of dead blocks; as many are kept as the
 * disk backlog can hold.
 */
const blockPool = new BlockPool(BLOCK_SIZE, DISK_BACKLOG_HIGH);

/**
 * The swarm's peers once the torrent has its metainfo: asking for blocks the picker chooses,
 * serving blocks from storage, and banning peers that send bad data.
 */
export class Trading implements PeerExchange {
  readonly tickMs = TICK_MS;
  readonly webSeeds: WebSeeds;
  readonly #o: TradingOptions;
  #storage: Storage;
  readonly #peers = new Map<string, SwarmPeer>();
  readonly #byConn = new Map<PeerConnection, SwarmPeer>();
  /** Each peer's BEP 9 side, kept to build its extended handshake again (BEP 21 `upload_only`). */
  readonly #responders = new Map<SwarmPeer, MetadataResponder>();
  readonly #uploader: Uploader;
  readonly #badData: BadData;
  readonly #pex: SwarmPex;
  /** BEP 52 hash messages, for a torrent with Merkle trees. */
  readonly #hashes: HashExchange | undefined;
  #ticks = 0;
  #stopped = true;
  /** Counts starts: a write from before a stop that fails after it is not this run's error. */
  #run = 0;
  #diskBacklog = 0;
  #readingPaused = false;

  constructor(options: TradingOptions) {
    this.#o = options;
    this.#storage = options.storage;
    const pexSetting = options.pex ?? (() => true);
    this.#pex = new SwarmPex({
      enabled: () => !options.metainfo.private && pexSetting(),
      learn: (addresses, speakingUtp) => options.swarm.addPeers(addresses, 'pex', speakingUtp),
    });
    this.#uploader = new Uploader({
      peers: () => this.#peers.values(),
      storage: () => this.#storage,
      bandwidth: options.bandwidth,
      uploadSlots: options.uploadSlots ?? 8,
      totals: options.swarm.totals,
      uploaded: (bytes) => options.events.uploaded(bytes),
      storageError: (err) => this.#onStorageError(err),
    });
    this.#storage.pieceCached = (index) => this.#uploader.pieceCached(index);
    const merkle = this.#storage.merkle;
    this.#hashes = merkle && new HashExchange({
      merkle,
      storage: () => this.#storage,
      peers: () => this.#peers.values(),
      // Without SHA-1 piece hashes (v2-only), nothing can be checked until the piece layers are in.
      layersGatePicking: options.metainfo.pieceHashes.length === 0,
      layersComplete: () => {
        options.events.layersKnown?.();
        this.#refillAll();
      },
      culprits: (piece, senders) => {
        for (const key of senders) this.#ban(key, `sent a corrupt block of piece ${piece}`);
      },
      log: (message) => options.events.log(message),
    });
    this.#badData = new BadData({
      metainfo: options.metainfo,
      totals: options.swarm.totals,
      storage: () => this.#storage,
      peer: (key) => this.#peers.get(key),
      hashes: this.#hashes,
      ban: (key, why) => this.#ban(key, why),
      log: (message) => options.events.log(message),
    });
    this.webSeeds = new WebSeeds({
      metainfo: options.metainfo,
      picker: options.picker,
      gate: options.bandwidth.down,
      acquire: (length) => blockPool.acquire(length),
      deliver: (seed, index, begin, block) => this.#onBlock(seed, index, begin, block),
      log: (message) => options.events.log(message),
    });
  }

  get peers(): readonly SwarmPeer[] {
    return [...this.#peers.values()];
  }

  /** How many peers trade with us, without copying them (asked of every torrent every second). */
  get peerCount(): number {
    return this.#peers.size;
  }

  get complete(): boolean {
    return this.#o.picker.wantedRemaining === 0;
  }

  get wantsPeers(): boolean {
    return !this.complete;
  }

  /** A seed with no peers has nothing to time out, choke or top up. */
  get idle(): boolean {
    return this.#peers.size === 0 && this.complete;
  }

  /** The torrent's data moved: serve and write through `storage` from now on (call while stopped). */
  useStorage(storage: Storage): void {
    this.#storage.pieceCached = undefined;
    this.#storage = storage;
    storage.pieceCached = (index) => this.#uploader.pieceCached(index);
  }

  /** Stops serving at once (a share limit was reached): every peer choked, every queued request dropped. */
  chokeAll(): void {
    this.#uploader.chokeAll();
  }

  /** Requests the picker took back (endgame duplicates, a stream's window that moved): the peers are told; `refill` tops up every pipeline. */
  cancelled(cancels: readonly Cancel<BlockSender>[], refill = true): void {
    // A web seed's run goes on; its copy of the block is counted as waste.
    for (const { peer, block } of cancels) if (peer instanceof SwarmPeer && peer.conn.isOpen) peer.conn.sendCancel(block);
    if (refill) this.#refillAll();
  }

  /** Our piece priorities changed: interest may have changed both ways. */
  refreshInterest(): void {
    for (const peer of this.#peers.values()) this.#updateInterest(peer);
  }

  connectionOptions() {
    return { pieceCount: this.#o.metainfo.pieceCount, readGate: this.#o.bandwidth.down, blocks: blockPool };
  }

  started(): void {
    this.#stopped = false;
    this.#run++;
    this.#uploader.resume();
    this.webSeeds.start();
  }

  stopping(): void {
    this.#stopped = true;
    this.webSeeds.stop();
  }

  joined(conn: PeerConnection, address: PeerAddress, source: PeerSource): void {
    const peer = new SwarmPeer(conn, address, source, this.#o.metainfo.pieceCount, (p) => this.#uploader.serve(p));
    this.#peers.set(peer.key, peer);
    this.#byConn.set(conn, peer);
    this.#o.events.changed();
    this.#o.picker.addPeer(peer);
    if (this.#readingPaused) conn.pauseReading();
    this.#pex.joined(conn);
    const metadata = new MetadataResponder(conn, this.#o.metainfo.infoBytes);
    this.#responders.set(peer, metadata);
    this.#greet(peer, metadata);
    this.#listen(peer, metadata);
    this.#hashes?.joined(peer);
    this.#hashes?.fill([peer]);
  }

  left(conn: PeerConnection, reason: string): void {
    const peer = this.#byConn.get(conn);
    this.#byConn.delete(conn);
    this.#pex.left(conn);
    if (!peer || this.#peers.get(peer.key) !== peer) return;
    const outstanding = this.#o.picker.outstanding(peer);
    if (outstanding > 0 && !this.#stopped) {
      this.#o.events.log(`${peer.key} disconnected mid-piece (${reason}); its ${outstanding} requests go to other peers`);
    }
    this.#peers.delete(peer.key);
    this.#responders.delete(peer);
    this.#hashes?.left(peer);
    this.#o.events.changed();
    this.#o.bandwidth.up.cancel(peer.serveWhenAllowed);
    this.#o.picker.peerGone(peer);
    this.#refillAll();
  }

  tick(): void {
    this.#ticks++;
    if (this.idle) return;
    const picker = this.#o.picker;
    for (const peer of picker.stalledPeers(Date.now(), SNUB_AFTER_MS)) {
      // A web seed's runs have their own timeouts.
      if (!(peer instanceof SwarmPeer)) continue;
      picker.snubbed(peer);
      this.#o.events.log(`${peer.key} is snubbing us`);
    }
    if (this.#ticks % CHOKE_EVERY_TICKS === 0) this.#uploader.rechoke();
    for (const peer of this.#peers.values()) {
      if (peer.interested && !this.complete) this.#updateInterest(peer);
      this.#fill(peer);
    }
    this.#pex.tick(this.#peers.values());
    this.#hashes?.fill(this.#peers.values());
    this.webSeeds.fill();
  }

  // --- connections -------------------------------------------------------------------------

  #greet(peer: SwarmPeer, metadata: MetadataResponder): void {
    const { conn } = peer;
    if (conn.extensionProtocol) this.#sendExtendedHandshake(peer, metadata);
    const have = this.#storage.have;
    if (conn.fastExtension && have.complete) conn.sendHaveAll();
    else if (conn.fastExtension && have.count === 0) conn.sendHaveNone();
    else if (have.count > 0) conn.sendBitfield(have.bytes);
    this.#uploader.greet(peer, this.#o.metainfo.infoHash, this.#o.metainfo.pieceCount);
  }

  #listen(peer: SwarmPeer, metadata: MetadataResponder): void {
    const { conn } = peer;
    const picker = this.#o.picker;
    conn.on('extended', (id, payload) => {
      if (id === UT_METADATA_LOCAL_ID) metadata.handle(payload);
      else if (id === UT_PEX_LOCAL_ID) this.#pex.receive(conn, payload);
    });
    conn.on('extendedHandshake', () => this.#closeIfNothingToTrade(peer));
    conn.on('bitfield', (bytes) => {
      const bits = new Bitfield(this.#o.metainfo.pieceCount, bytes);
      peer.has = bits;
      this.#o.events.changed();
      picker.peerBitfield(peer, bits);
      this.#afterHaveChange(peer);
    });
    conn.on('have', (index) => {
      if (peer.has.has(index)) return;
      peer.has.set(index);
      // Only the have that completes a peer's pieces changes what the row shows (its seeds).
      if (peer.isSeed) this.#o.events.changed();
      picker.peerHave(peer, index);
      if (!peer.interested && picker.wants(index)) this.#setInterested(peer, true);
      this.#afterHaveChange(peer);
    });
    conn.on('haveAll', () => {
      peer.has.setAll();
      this.#o.events.changed();
      picker.peerHaveAll(peer);
      this.#afterHaveChange(peer);
    });
    conn.on('haveNone', () => picker.peerHaveNone(peer));
    conn.on('unchoke', () => this.#fill(peer));
    conn.on('choke', () => {
      // Without the fast extension a choke silently discards our requests (BEP 3); with it, the
      // peer rejects those it will not serve, and its allowed-fast pieces may still be asked for.
      if (!conn.fastExtension) picker.dropRequests(peer);
      this.#refillAll();
    });
    conn.on('reject', (block) => {
      picker.rejected(peer, block);
      // A rejected hint is not asked for again from this peer (no request, reject loop).
      removePieceHint(peer.allowedFastFrom, block.index);
      removePieceHint(peer.suggested, block.index);
      this.#fill(peer);
    });
    conn.on('allowedFast', (index) => {
      if (addPieceHint(peer.allowedFastFrom, index, false)) this.#fill(peer);
    });
    conn.on('suggest', (index) => {
      if (picker.wants(index) && addPieceHint(peer.suggested, index, true)) this.#fill(peer);
    });
    conn.on('piece', (index, begin, block) => this.#onBlock(peer, index, begin, block));
    conn.on('interested', () => this.#uploader.onInterested(peer));
    conn.on('notInterested', () => {
      if (!conn.amChoking) this.#uploader.choke(peer);
    });
    conn.on('request', (block) => this.#uploader.onRequest(peer, block));
    conn.on('cancel', (block) => this.#uploader.onCancel(peer, block));
    conn.on('drain', () => this.#uploader.serve(peer));
  }

  #afterHaveChange(peer: SwarmPeer): void {
    if (this.#closeIfNothingToTrade(peer)) return;
    if (!peer.interested) this.#updateInterest(peer);
    if (peer.interested) this.#fill(peer);
  }

  /**
   * Two seeds have nothing to trade, nor do a seed and a partial seed (BEP 21): we want nothing
   * more and neither does the peer (it has everything, or said `upload_only`).
   */
  #closeIfNothingToTrade(peer: SwarmPeer): boolean {
    if (!this.complete || !peer.uploadOnly) return false;
    peer.conn.close(this.#storage.have.complete && peer.isSeed ? 'both sides are seeds' : 'both sides are (partial) seeds');
    return true;
  }

  /** Our BEP 10 handshake; sent again when we become a (partial) seed, for its `upload_only` (BEP 21). */
  #sendExtendedHandshake(peer: SwarmPeer, metadata: MetadataResponder): void {
    const fields = metadata.handshakeFields();
    const handshake = { ...fields, m: { ...fields.m, ...this.#pex.handshakeFields() }, v: 'Shoal 0.1.0', reqq: MAX_QUEUED_REQUESTS };
    peer.conn.sendExtendedHandshake(this.complete ? { ...handshake, uploadOnly: true } : handshake);
  }

  #updateInterest(peer: SwarmPeer): void {
    this.#setInterested(peer, !this.complete && this.#o.picker.isInteresting(peer));
  }

  #setInterested(peer: SwarmPeer, interested: boolean): void {
    if (peer.interested === interested) return;
    peer.interested = interested;
    if (interested) peer.conn.interested();
    else peer.conn.notInterested();
  }

  // --- downloading -------------------------------------------------------------------------

  /**
   * Tops up the peer's request pipeline to cover its bandwidth-delay product: while it chokes us,
   * from its allowed-fast pieces only; otherwise its suggestions first, then the picker's choice.
   */
  #fill(peer: SwarmPeer): void {
    const { conn } = peer;
    const allowedFast = conn.peerChoking && conn.fastExtension && peer.allowedFastFrom.length > 0;
    if (this.#stopped || (conn.peerChoking && !allowedFast) || !peer.interested || !conn.isOpen || this.#hashes?.canPick === false) return;
    const picker = this.#o.picker;
    const rate = conn.downloadRate();
    const reqq = conn.peerExtendedHandshake?.reqq;
    const snubbed = picker.isSnubbed(peer);
    // While a stream waits, a second of the measured rate: a peer answers in order, and a stream's pieces should not wait behind more.
    let depth = snubbed ? requestDepth(rate, { snubbed, reqq }) : picker.deadlineCount > 0 ? requestDepth(rate, { reqq, queueSeconds: 1 }) : Math.max(requestDepth(rate, { reqq }), Math.min(INITIAL_DEPTH, reqq ?? INITIAL_DEPTH));
    // Under a download limit no peer can deliver faster than it: more requests would only wait
    // long enough to look like timeouts, and leave endgame too little to share out.
    const limit = this.#o.bandwidth.down.rate;
    if (limit > 0) depth = Math.min(depth, requestDepth(limit, { snubbed, reqq }));
    // Top up in batches, not one request per block received: each send is a system call.
    const room = depth - picker.outstanding(peer);
    if (room <= 0 || (room < depth / 4 && picker.outstanding(peer) > 0)) return;
    let blocks: BlockRequest[];
    if (allowedFast) {
      blocks = picker.pick(peer, room, Date.now(), peer.allowedFastFrom);
    } else {
      if (peer.suggested.length > 0) peer.suggested = peer.suggested.filter((i) => picker.wants(i));
      blocks = peer.suggested.length > 0 ? picker.pick(peer, room, Date.now(), peer.suggested) : [];
      if (blocks.length < room) blocks.push(...picker.pick(peer, room - blocks.length));
    }
    if (blocks.length > 0) conn.sendRequests(blocks);
  }

  #refillAll(): void {
    for (const peer of this.#peers.values()) this.#fill(peer);
    this.webSeeds.fill();
  }

  #fillSender(sender: BlockSender): void {
    if (sender instanceof SwarmPeer) this.#fill(sender);
    else this.webSeeds.fill();
  }

  #onBlock(peer: BlockSender, index: number, begin: number, block: Uint8Array): void {
    const picker = this.#o.picker;
    const totals = this.#o.swarm.totals;
    totals.downloaded += block.length;
    this.#o.events.changed();
    const result = picker.blockReceived(peer, index, begin, block.length);
    if (result.cancels.length > 0) this.cancelled(result.cancels, false);
    if (!result.wanted) {
      totals.wasted += block.length;
      blockPool.release(block);
      this.#fillSender(peer);
      return;
    }
    this.#fillSender(peer);
    this.#addBacklog(block.length);
    const run = this.#run;
    this.#storage.writeBlock(index, begin, block, (err, outcome) => {
      blockPool.release(block);
      this.#addBacklog(-block.length);
      if (outcome === 'verified') void this.#onPieceVerified(index);
      else if (outcome === 'failed') void this.#onPieceFailed(index);
      else if (outcome === undefined) {
        // Storage forgot the block; the picker must too, so it is asked for again after a resume.
        picker.blockNotWritten(index, begin);
        // The torrent already stopped for the first failed write; once the user fixed the cause and
        // resumed, writes still in flight from before must not stop it again.
        if (run === this.#run && !this.#stopped) this.#onStorageError(err);
      }
    });
  }

  #addBacklog(bytes: number): void {
    this.#diskBacklog += bytes;
    const pause = this.#readingPaused ? this.#diskBacklog > DISK_BACKLOG_LOW : this.#diskBacklog > DISK_BACKLOG_HIGH;
    if (pause === this.#readingPaused) return;
    this.#readingPaused = pause;
    this.webSeeds.setPaused(pause);
    for (const p of this.#peers.values()) {
      if (pause) p.conn.pauseReading();
      else p.conn.resumeReading();
    }
  }

  async #onPieceVerified(index: number): Promise<void> {
    const picker = this.#o.picker;
    picker.pieceVerified(index);
    this.#o.events.changed();
    await this.#badData.passed(index);
    for (const peer of this.#peers.values()) {
      if (!peer.has.has(index)) peer.conn.sendHave(index);
    }
    this.#uploader.pieceVerified(index);
    if (this.complete) {
      for (const peer of this.#peers.values()) {
        this.#setInterested(peer, false);
        if (this.#closeIfNothingToTrade(peer)) continue;
        const metadata = this.#responders.get(peer);
        if (metadata && peer.conn.extensionProtocol) this.#sendExtendedHandshake(peer, metadata);
      }
      this.#o.events.complete();
    }
  }

  async #onPieceFailed(index: number): Promise<void> {
    const picker = this.#o.picker;
    // The picker's record of who sent each block; it lasts until `pieceFailed` below.
    const senders = new Map<number, string>();
    picker.blockSenders(index).forEach((peer, block) => {
      if (peer) senders.set(block, peer.key);
    });
    await this.#badData.failed(index, senders);
    picker.pieceFailed(index);
    this.#refillAll();
  }

  #ban(key: string, why: string): void {
    const seed = this.webSeeds.byKey(key);
    if (seed) {
      this.webSeeds.blame(seed, why);
      return;
    }
    const address = this.#peers.get(key)?.address ?? addressOfKey(key);
    if (address) this.#o.swarm.ban(address, why);
  }

  #onStorageError(err: unknown): void {
    this.#o.events.storageError(asShoalError(err, 'io', (e) => `Writing to disk failed: ${reasonOf(e)}.`));
  }
}

