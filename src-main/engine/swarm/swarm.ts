import type { Socket } from 'node:net';
import { Bitfield } from '../../../src-shared/bitfield';
import { isShoalError, ShoalError } from '../../../src-shared/errors';
import type { TorrentBandwidth } from '../bandwidth/bandwidth-limiter';
import type { Metainfo } from '../metainfo/metainfo';
import { BLOCK_SIZE, type PiecePicker } from '../picker/piece-picker';
import { requestDepth } from '../picker/request-depth';
import type { Storage } from '../storage/storage';
import type { BlockRef } from '../wire/messages';
import { BlockPool } from '../wire/block-pool';
import { PeerConnection } from '../wire/peer-connection';
import type { ReceivedHandshake } from '../wire/read-handshake';
import { UT_METADATA_LOCAL_ID } from '../wire/ut-metadata';
import { Choker } from './choker';
import { MetadataResponder } from './metadata-responder';
import { normalizeHost, PeerRegistry, type PeerAddress } from './peer-registry';
import { SmartBan } from './smart-ban';
import { SwarmPeer, type PeerSource } from './swarm-peer';

export interface SwarmOptions {
  readonly metainfo: Metainfo;
  readonly storage: Storage;
  readonly picker: PiecePicker<SwarmPeer>;
  readonly peerId: Uint8Array;
  /** Our listening port, so a tracker handing us back to ourselves is recognised. */
  readonly listenPort: number;
  readonly maxConnections: number;
  /** Dials under way at once. */
  readonly maxHalfOpen?: number;
  /** Regular upload slots (plus one optimistic). */
  readonly uploadSlots?: number;
  /** The torrent's speed limits (with the global ones behind them). */
  readonly bandwidth: TorrentBandwidth;
  readonly events: SwarmEvents;
}

export interface SwarmEvents {
  /** Every wanted piece is verified. */
  complete(): void;
  /** Too few peers are known: ask the trackers. */
  needPeers(): void;
  /** Storage failed (disk full, no permission): the torrent should stop with this message. */
  storageError(error: ShoalError): void;
  /** Something worth a line in a log: a ban, a hash failure. */
  log(message: string): void;
  /** A block went out (already counted in `totals.uploaded`): share limits are checked per block. */
  uploaded(bytes: number): void;
  /** What the torrent's list row shows of the swarm changed: a peer came or left or became a seed, a block arrived, a piece verified. */
  changed(): void;
}

/** Per-torrent transfer totals, payload bytes. */
export interface SwarmTotals {
  downloaded: number;
  uploaded: number;
  /** Bytes thrown away: duplicate blocks and pieces that failed their hash check. */
  wasted: number;
  hashFailures: number;
}

const TICK_MS = 1000;
const CHOKE_EVERY_TICKS = 10;
const OPTIMISTIC_EVERY_ROUNDS = 3;
const SNUB_AFTER_MS = 60_000;
/** Queued bytes on a socket above which we stop reading blocks from disk for it. */
const UPLOAD_HIGH_WATER = 1024 * 1024;
/** Requests a peer may have waiting with us; more is abuse (we advertise this as `reqq`). */
const MAX_QUEUED_REQUESTS = 500;
/** Requests kept out with a peer before its rate is known. */
const INITIAL_DEPTH = 64;
/**
 * Block bytes received and not yet on disk above which we stop reading from peers, and below
 * which we read again: memory stays bounded when the disk is slower than the network.
 */
const DISK_BACKLOG_HIGH = 8 * 1024 * 1024;
const DISK_BACKLOG_LOW = 2 * 1024 * 1024;
/** A peer that sent this many bytes of pieces that failed, alone, is banned. */
const BAN_AFTER_SUSPECT_BYTES = 4 * 1024 * 1024;
/**
 * Received blocks of every torrent are copied into buffers reused once written, so a fast
 * download does not leave the collector tens of MiB of dead blocks; as many are kept as the
 * disk backlog can hold.
 */
const blockPool = new BlockPool(BLOCK_SIZE, DISK_BACKLOG_HIGH);

/**
 * The connections of one torrent: dialling and accepting peers, asking for blocks the picker
 * chooses, serving blocks from storage, choking, and banning peers that send bad data.
 */
export class Swarm {
  readonly registry: PeerRegistry;
  readonly totals: SwarmTotals = { downloaded: 0, uploaded: 0, wasted: 0, hashFailures: 0 };
  readonly #o: SwarmOptions;
  #storage: Storage;
  readonly #peers = new Map<string, SwarmPeer>();
  readonly #peerIds = new Set<string>();
  readonly #dialing = new Set<PeerConnection>();
  readonly #choker: Choker;
  readonly #smartBan = new SmartBan();
  readonly #ourPeerId: string;
  #timer: NodeJS.Timeout | undefined;
  #ticks = 0;
  #stopped = false;
  #diskBacklog = 0;
  #readingPaused = false;

  constructor(options: SwarmOptions) {
    this.#o = options;
    this.#storage = options.storage;
    this.registry = new PeerRegistry();
    this.registry.addSelf({ host: '127.0.0.1', port: options.listenPort });
    this.#choker = new Choker({ slots: options.uploadSlots ?? 8, optimisticEvery: OPTIMISTIC_EVERY_ROUNDS });
    this.#ourPeerId = hex(options.peerId);
  }

  get peers(): readonly SwarmPeer[] {
    return [...this.#peers.values()];
  }

  get connecting(): number {
    return this.#dialing.size;
  }

  get complete(): boolean {
    return this.#o.picker.wantedRemaining === 0;
  }

  start(): void {
    this.#stopped = false;
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    this.#timer.unref?.();
    this.#dial();
  }

  /** Closes every connection. The swarm may be started again. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    for (const conn of this.#dialing) conn.close('torrent stopped');
    for (const peer of this.#peers.values()) peer.conn.close('torrent stopped');
  }

  /** The torrent's data moved: serve and write through `storage` from now on (call while stopped). */
  useStorage(storage: Storage): void {
    this.#storage = storage;
  }

  /** Addresses from a tracker (or the user). */
  addPeers(addresses: readonly PeerAddress[]): void {
    if (this.registry.add(addresses) > 0) this.#dial();
  }

  /** An incoming connection whose handshake named this torrent. */
  accept(socket: Socket, received: ReceivedHandshake): void {
    const host = normalizeHost(socket.remoteAddress ?? '');
    const address = { host, port: socket.remotePort ?? 0 };
    if (this.#stopped || this.registry.isBanned(address) || this.#peers.size + this.#dialing.size >= this.#o.maxConnections) {
      socket.destroy();
      return;
    }
    const conn = PeerConnection.accept(socket, received, this.#connOptions());
    this.#attach(conn, address, 'incoming');
  }

  /** Stops serving at once (a share limit was reached): every peer choked, every queued request dropped. */
  chokeAll(): void {
    for (const peer of this.#peers.values()) {
      peer.uploadQueue.length = 0;
      if (!peer.conn.amChoking) peer.conn.choke();
    }
  }

  /** Our piece priorities changed: interest may have changed both ways. */
  refreshInterest(): void {
    for (const peer of this.#peers.values()) this.#updateInterest(peer);
  }

  // --- connections -------------------------------------------------------------------------

  #connOptions() {
    return { infoHash: this.#o.metainfo.infoHash, peerId: this.#o.peerId, pieceCount: this.#o.metainfo.pieceCount, readGate: this.#o.bandwidth.down, blocks: blockPool };
  }

  #dial(): void {
    if (this.#stopped) return;
    const room = this.#o.maxConnections - this.#peers.size - this.#dialing.size;
    const halfOpenRoom = (this.#o.maxHalfOpen ?? 8) - this.#dialing.size;
    const addresses = this.registry.takeDialable(Math.min(room, halfOpenRoom));
    for (const address of addresses) {
      const conn = PeerConnection.dial({ ...this.#connOptions(), host: address.host, port: address.port, connectTimeoutMs: 5000 });
      this.#dialing.add(conn);
      this.#attach(conn, address, 'tracker');
    }
  }

  #attach(conn: PeerConnection, address: PeerAddress, source: PeerSource): void {
    let peer: SwarmPeer | undefined;
    conn.once('handshake', (handshake) => {
      this.#dialing.delete(conn);
      const id = hex(handshake.peerId);
      if (id === this.#ourPeerId) {
        this.registry.addSelf(address);
        conn.close('connected to ourselves');
        return;
      }
      if (this.#peerIds.has(id) || this.#stopped) {
        conn.close('already connected to this peer');
        return;
      }
      this.#peerIds.add(id);
      peer = new SwarmPeer(conn, address, source, this.#o.metainfo.pieceCount, (p) => this.#serve(p));
      this.#peers.set(peer.key, peer);
      this.#o.events.changed();
      this.registry.connected(address);
      this.#o.picker.addPeer(peer);
      if (this.#readingPaused) conn.pauseReading();
      const metadata = new MetadataResponder(conn, this.#o.metainfo.infoBytes);
      this.#greet(peer, metadata);
      this.#listen(peer, metadata);
    });
    conn.once('close', (reason, error) => {
      this.#dialing.delete(conn);
      if (peer && this.#peers.get(peer.key) === peer) {
        const outstanding = this.#o.picker.outstanding(peer);
        if (outstanding > 0 && !this.#stopped) {
          this.#o.events.log(`${peer.key} disconnected mid-piece (${reason}); its ${outstanding} requests go to other peers`);
        }
        this.#peers.delete(peer.key);
        this.#o.events.changed();
        this.#o.bandwidth.up.cancel(peer.serveWhenAllowed);
        this.#peerIds.delete(hex(conn.peerHandshake!.peerId));
        this.#o.picker.peerGone(peer);
        this.#refillAll();
      }
      // A dial that never got a handshake counts as a failure, so dead addresses back off.
      this.registry.disconnected(address, peer === undefined && error !== undefined);
      if (!this.#stopped) this.#dial();
    });
  }

  #greet(peer: SwarmPeer, metadata: MetadataResponder): void {
    const { conn } = peer;
    if (conn.extensionProtocol) conn.sendExtendedHandshake({ ...metadata.handshakeFields(), v: 'Shoal 0.1.0', reqq: MAX_QUEUED_REQUESTS });
    const have = this.#storage.have;
    if (conn.fastExtension && have.complete) conn.sendHaveAll();
    else if (conn.fastExtension && have.count === 0) conn.sendHaveNone();
    else if (have.count > 0) conn.sendBitfield(have.bytes);
  }

  #listen(peer: SwarmPeer, metadata: MetadataResponder): void {
    const { conn } = peer;
    const picker = this.#o.picker;
    conn.on('extended', (id, payload) => {
      if (id === UT_METADATA_LOCAL_ID) metadata.handle(payload);
    });
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
      // Without the fast extension a choke silently discards our requests (BEP 3).
      if (!conn.fastExtension) picker.dropRequests(peer);
      this.#refillAll();
    });
    conn.on('reject', (block) => {
      picker.rejected(peer, block);
      this.#fill(peer);
    });
    conn.on('piece', (index, begin, block) => this.#onBlock(peer, index, begin, block));
    conn.on('interested', () => this.#onInterested(peer));
    conn.on('notInterested', () => {
      if (!conn.amChoking) conn.choke();
    });
    conn.on('request', (block) => this.#onRequest(peer, block));
    conn.on('cancel', (block) => {
      const i = peer.uploadQueue.findIndex((b) => b.index === block.index && b.begin === block.begin && b.length === block.length);
      if (i >= 0) peer.uploadQueue.splice(i, 1);
    });
    conn.on('drain', () => this.#serve(peer));
  }

  #afterHaveChange(peer: SwarmPeer): void {
    // Two seeds have nothing to trade.
    if (peer.isSeed && this.#storage.have.complete) {
      peer.conn.close('both sides are seeds');
      return;
    }
    if (!peer.interested) this.#updateInterest(peer);
    if (peer.interested) this.#fill(peer);
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

  /** Tops up the peer's request pipeline to cover its bandwidth-delay product. */
  #fill(peer: SwarmPeer): void {
    const { conn } = peer;
    if (this.#stopped || conn.peerChoking || !peer.interested || !conn.isOpen) return;
    const picker = this.#o.picker;
    const rate = conn.downloadRate();
    const reqq = conn.peerExtendedHandshake?.reqq;
    const snubbed = picker.isSnubbed(peer);
    let depth = snubbed ? requestDepth(rate, { snubbed, reqq }) : Math.max(requestDepth(rate, { reqq }), Math.min(INITIAL_DEPTH, reqq ?? INITIAL_DEPTH));
    // Under a download limit no peer can deliver faster than it: more requests would only wait
    // long enough to look like timeouts, and leave endgame too little to share out.
    const limit = this.#o.bandwidth.down.rate;
    if (limit > 0) depth = Math.min(depth, requestDepth(limit, { snubbed, reqq }));
    // Top up in batches, not one request per block received: each send is a system call.
    const room = depth - picker.outstanding(peer);
    if (room <= 0 || (room < depth / 4 && picker.outstanding(peer) > 0)) return;
    const blocks = picker.pick(peer, room);
    if (blocks.length > 0) conn.sendRequests(blocks);
  }

  #refillAll(): void {
    for (const peer of this.#peers.values()) this.#fill(peer);
  }

  #onBlock(peer: SwarmPeer, index: number, begin: number, block: Uint8Array): void {
    const picker = this.#o.picker;
    this.totals.downloaded += block.length;
    this.#o.events.changed();
    const result = picker.blockReceived(peer, index, begin, block.length);
    for (const cancel of result.cancels) {
      const other = cancel.peer;
      if (other.conn.isOpen) other.conn.sendCancel(cancel.block);
    }
    if (!result.wanted) {
      this.totals.wasted += block.length;
      blockPool.release(block);
      this.#fill(peer);
      return;
    }
    this.#fill(peer);
    this.#addBacklog(block.length);
    this.#storage.writeBlock(index, begin, block).then(
      (outcome) => {
        blockPool.release(block);
        this.#addBacklog(-block.length);
        if (outcome === 'verified') void this.#onPieceVerified(index);
        else if (outcome === 'failed') void this.#onPieceFailed(index);
      },
      (err: unknown) => {
        blockPool.release(block);
        this.#addBacklog(-block.length);
        this.#onStorageError(err);
      },
    );
  }

  #addBacklog(bytes: number): void {
    this.#diskBacklog += bytes;
    const pause = this.#readingPaused ? this.#diskBacklog > DISK_BACKLOG_LOW : this.#diskBacklog > DISK_BACKLOG_HIGH;
    if (pause === this.#readingPaused) return;
    this.#readingPaused = pause;
    for (const p of this.#peers.values()) {
      if (pause) p.conn.pauseReading();
      else p.conn.resumeReading();
    }
  }

  async #onPieceVerified(index: number): Promise<void> {
    const picker = this.#o.picker;
    picker.pieceVerified(index);
    this.#o.events.changed();
    if (this.#smartBan.isSuspect(index)) {
      const blocks = await this.#readPieceBlocks(index);
      if (blocks) for (const key of this.#smartBan.passed(index, blocks)) this.#ban(key, `sent corrupt data for piece ${index}`);
    }
    for (const peer of this.#peers.values()) {
      if (!peer.has.has(index)) peer.conn.sendHave(index);
    }
    if (this.complete) {
      for (const peer of this.#peers.values()) {
        this.#setInterested(peer, false);
        if (peer.isSeed && this.#storage.have.complete) peer.conn.close('both sides are seeds');
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
    const size = index === this.#o.metainfo.pieceCount - 1 ? this.#o.metainfo.lastPieceLength : this.#o.metainfo.pieceLength;
    this.totals.wasted += size;
    this.totals.hashFailures++;
    const contributors = new Set(senders.values());
    this.#o.events.log(`piece ${index} failed its hash check (sent by ${[...contributors].join(', ')})`);
    if (contributors.size === 1) {
      // One sender: the bad data is certainly theirs.
      const [only] = contributors;
      this.#ban(only!, `sent piece ${index}, which failed its hash check`);
    } else {
      // Several senders: remember who sent what, and judge once the piece passes.
      const blocks = await this.#readPieceBlocks(index);
      if (blocks) this.#smartBan.failed(index, senders, blocks);
      for (const key of contributors) {
        const peer = this.#peers.get(key);
        if (!peer) continue;
        peer.suspectBytes += size;
        if (peer.suspectBytes >= BAN_AFTER_SUSPECT_BYTES) this.#ban(key, 'took part in too many pieces that failed');
      }
    }
    picker.pieceFailed(index);
    this.#refillAll();
  }

  /** The blocks of a piece as they are on disk now (for smart ban), or null if unreadable. */
  async #readPieceBlocks(index: number): Promise<Uint8Array[] | null> {
    try {
      const data = await this.#storage.readPiece(index);
      const blocks: Uint8Array[] = [];
      for (let at = 0; at < data.length; at += BLOCK_SIZE) blocks.push(data.subarray(at, at + BLOCK_SIZE));
      return blocks;
    } catch {
      return null;
    }
  }

  #ban(key: string, why: string): void {
    const peer = this.#peers.get(key);
    const address = peer?.address ?? parseKey(key);
    if (!address) return;
    this.registry.ban(address);
    this.#o.events.log(`banned ${key}: ${why}`);
    peer?.conn.close(`banned: ${why}`);
  }

  #onStorageError(err: unknown): void {
    const error = isShoalError(err) ? err : new ShoalError('io', `Writing to disk failed: ${err instanceof Error ? err.message : String(err)}.`);
    this.#o.events.storageError(error);
  }

  // --- uploading ---------------------------------------------------------------------------

  /** A free upload slot goes to a newcomer at once rather than at the next choke round. */
  #onInterested(peer: SwarmPeer): void {
    const unchoked = [...this.#peers.values()].filter((p) => !p.conn.amChoking).length;
    if (unchoked < (this.#o.uploadSlots ?? 8)) peer.conn.unchoke();
  }

  #onRequest(peer: SwarmPeer, block: BlockRef): void {
    const { conn } = peer;
    if (conn.amChoking || !this.#storage.have.has(block.index)) {
      if (conn.fastExtension) conn.sendReject(block);
      return;
    }
    if (peer.uploadQueue.length >= MAX_QUEUED_REQUESTS) {
      conn.close(`sent more than ${MAX_QUEUED_REQUESTS} requests at once`, new ShoalError('protocol', 'The peer flooded us with requests.'));
      return;
    }
    peer.uploadQueue.push(block);
    this.#serve(peer);
  }

  /**
   * Sends queued blocks while the socket keeps up (resumes on `drain`) and the upload limit allows
   * (resumes when it does; protocol messages never wait for it).
   */
  #serve(peer: SwarmPeer): void {
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
    this.#storage.readBlock(block.index, block.begin, block.length).then(
      (data) => {
        peer.serving = false;
        if (!conn.isOpen || conn.amChoking) return;
        conn.sendPiece(block.index, block.begin, data);
        this.totals.uploaded += data.length;
        this.#o.events.uploaded(data.length);
        this.#serve(peer);
      },
      (err: unknown) => {
        peer.serving = false;
        if (isShoalError(err) && err.code === 'protocol') conn.close(`bad request: ${err.message}`, err);
        else this.#onStorageError(err);
      },
    );
  }

  // --- housekeeping ------------------------------------------------------------------------

  #tick(): void {
    this.#ticks++;
    const picker = this.#o.picker;
    for (const peer of picker.stalledPeers(Date.now(), SNUB_AFTER_MS)) {
      picker.snubbed(peer);
      this.#o.events.log(`${peer.key} is snubbing us`);
    }
    if (this.#ticks % CHOKE_EVERY_TICKS === 0) this.#rechoke();
    for (const peer of this.#peers.values()) {
      if (peer.interested && !this.complete) this.#updateInterest(peer);
      this.#fill(peer);
    }
    this.#dial();
    if (!this.complete && this.#peers.size + this.#dialing.size < Math.min(this.#o.maxConnections, 10)) this.#o.events.needPeers();
  }

  #rechoke(): void {
    const seeding = this.#storage.have.complete;
    const now = Date.now();
    const candidates = [...this.#peers.values()].map((p) => ({
      id: p.key,
      interested: p.conn.peerInterested,
      downRate: p.conn.downloadRate(now),
      upRate: p.conn.uploadRate(now),
      isNew: now - p.connectedAt < 30_000,
      isSeed: p.isSeed,
    }));
    const unchoke = this.#choker.rechoke(candidates, seeding);
    for (const peer of this.#peers.values()) {
      if (unchoke.has(peer.key)) {
        if (peer.conn.amChoking) peer.conn.unchoke();
      } else if (!peer.conn.amChoking) {
        peer.conn.choke();
        peer.uploadQueue.length = 0;
      }
    }
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function parseKey(key: string): PeerAddress | undefined {
  const m = /^\[?(.+?)\]?:(\d+)$/.exec(key);
  return m ? { host: m[1]!, port: Number(m[2]) } : undefined;
}
