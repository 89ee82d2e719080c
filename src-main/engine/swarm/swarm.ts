import type { EncryptionMode } from '../../../src-shared/contract';
import { PeerConnection, type PeerConnectionOptions, type UtpDialer } from '../wire/peer-connection';
import type { ReceivedHandshake } from '../wire/read-handshake';
import type { PeerSocket } from '../wire/peer-socket';
import { addressKey, normalizeHost, type PeerAddress } from '../net/peer-address';
import { PeerRegistry } from './peer-registry';
import { everyTick, type Ticking } from './swarm-clock';
import type { PeerSource } from './swarm-peer';

export interface SwarmOptions {
  /** What we dial with: the SHA-1 info-hash, or a v2-only torrent's SHA-256 one cut to 20 bytes. */
  readonly infoHash: Uint8Array;
  /** A v2 or hybrid torrent's SHA-256 info-hash (BEP 52), when known; see `useInfoHashV2`. */
  readonly infoHashV2?: Uint8Array;
  readonly peerId: Uint8Array;
  /** Our listening port, so a tracker handing us back to ourselves is recognised. */
  readonly listenPort: number;
  readonly maxConnections: number;
  /** Dials under way at once. */
  readonly maxHalfOpen?: number;
  /** The `encryption` setting now, for each dial (absent: plain handshakes only). */
  readonly encryption?: () => EncryptionMode;
  /**
   * The session's uTP sockets while the `utp` setting is on. A peer known to speak uTP (PEX flag,
   * an earlier uTP connection) is dialled over it first, with TCP as the fallback; others over
   * TCP first, with uTP as the fallback when TCP found nobody or a silent close (libtorrent with
   * TCP off accepts and closes at once).
   */
  readonly utp?: () => UtpDialer | undefined;
  /** The `tcp` setting now (on if absent): off, every dial goes over uTP and none falls back to TCP. */
  readonly tcp?: () => boolean;
  readonly events: SwarmEvents;
}

export interface SwarmEvents {
  /** Too few peers are known: ask the trackers. */
  needPeers(): void;
  /** Something worth a line in a log: a ban, a hash failure. */
  log(message: string): void;
}

/** Per-torrent transfer totals, payload bytes. */
export interface SwarmTotals {
  downloaded: number;
  uploaded: number;
  /** Bytes thrown away: duplicate blocks and pieces that failed their hash check. */
  wasted: number;
  hashFailures: number;
}

/**
 * What one phase of a torrent does with the swarm's peers: the metadata exchange of a magnet
 * link before its info dictionary is known, trading blocks after. The swarm finds, dials and
 * accepts the peers; the exchange talks to them.
 */
export interface PeerExchange {
  /** Milliseconds between ticks. */
  readonly tickMs: number;
  /** Whether the trackers should be asked for more peers when few are connected. */
  readonly wantsPeers: boolean;
  /** Nothing to do on a tick until a peer connects (a seed without peers): the swarm sleeps. */
  readonly idle: boolean;
  /** What new connections of this phase check and share (piece count, read gate, block pool). */
  connectionOptions(): Omit<PeerConnectionOptions, 'infoHash' | 'peerId'>;
  /** The swarm starts with this exchange. */
  started(): void;
  /** The swarm stops: every connection is about to close. */
  stopping(): void;
  /** A connection's handshake passed (not ourselves, not a duplicate): it is the exchange's now. */
  joined(conn: PeerConnection, address: PeerAddress, source: PeerSource): void;
  /** A joined connection closed. */
  left(conn: PeerConnection, reason: string): void;
  tick(): void;
}

/**
 * A hybrid torrent's second name on the wire, at trackers and in incoming handshakes: its v2
 * info-hash cut to 20 bytes (BEP 52). Undefined for v1-only and v2-only torrents, whose one
 * name is `infoHash`.
 */
export function otherSwarmHash(torrent: { readonly infoHash: Uint8Array; readonly infoHashV2?: Uint8Array | undefined }): Uint8Array | undefined {
  const v2 = torrent.infoHashV2?.subarray(0, 20);
  return v2 !== undefined && Buffer.compare(v2, torrent.infoHash) !== 0 ? v2 : undefined;
}

/**
 * One torrent's peers from the moment it is added, whatever its phase: the addresses it knows
 * (with where each came from), dialling them under the connection and half-open limits,
 * accepting incoming peers, and telling apart ourselves and duplicates. What is said to the
 * peers is the current phase's `PeerExchange`.
 */
export class Swarm {
  readonly registry: PeerRegistry;
  readonly totals: SwarmTotals = { downloaded: 0, uploaded: 0, wasted: 0, hashFailures: 0 };
  readonly #o: SwarmOptions;
  /** Connections past their handshake, with the address each is at and the exchange it joined. */
  readonly #joined = new Map<PeerConnection, { readonly address: PeerAddress; readonly exchange: PeerExchange }>();
  /** The connection trading with each peer id, and whether we dialled it. */
  readonly #peerIds = new Map<string, { readonly conn: PeerConnection; readonly dialled: boolean }>();
  readonly #dialing = new Set<PeerConnection>();
  /** Connections we end ourselves that the next phase dials again at once (no back-off). */
  readonly #redialSoon = new Set<PeerConnection>();
  readonly #ourPeerId: string;
  #exchange: PeerExchange | undefined;
  #ticking: Ticking | undefined;
  /** The v2 info-hash cut to 20 bytes, the way it names the torrent on the wire. */
  #wireHashV2: Uint8Array | undefined;
  /** A hybrid's v2 name, beside `infoHash`. */
  #other: Uint8Array | undefined;

  constructor(options: SwarmOptions) {
    this.#o = options;
    if (options.infoHashV2) this.useInfoHashV2(options.infoHashV2);
    this.registry = new PeerRegistry();
    this.registry.addSelf({ host: '127.0.0.1', port: options.listenPort });
    this.#ourPeerId = hex(options.peerId);
  }

  /**
   * The torrent's v2 info-hash (BEP 52), known from the start or once a magnet's metadata
   * arrives: peers naming it are v2 connections, and a hybrid's dials set the v2 bit.
   */
  useInfoHashV2(infoHashV2: Uint8Array): void {
    this.#wireHashV2 = infoHashV2.slice(0, 20);
    this.#other = otherSwarmHash({ infoHash: this.#o.infoHash, infoHashV2 });
  }

  /** A hybrid's second name on the wire (its truncated v2 hash), once known. */
  get otherInfoHash(): Uint8Array | undefined {
    return this.#other;
  }

  /** Starts finding and talking to peers for `exchange`'s phase. */
  start(exchange: PeerExchange): void {
    if (this.#exchange) this.stop();
    this.#exchange = exchange;
    exchange.started();
    this.#ticking = everyTick(exchange.tickMs, () => this.#tick());
    this.#dial();
  }

  /**
   * Closes every connection; the swarm may be started again. With `redialSoon`, the peers
   * connected now are dialled again as soon as the swarm restarts (a phase handing over to the next).
   */
  stop(reason = 'torrent stopped', options: { redialSoon?: boolean } = {}): void {
    const exchange = this.#exchange;
    if (!exchange) return;
    this.#ticking?.stop();
    this.#ticking = undefined;
    exchange.stopping();
    this.#exchange = undefined;
    for (const conn of this.#dialing) conn.close(reason);
    for (const conn of [...this.#joined.keys()]) {
      if (options.redialSoon) this.#redialSoon.add(conn);
      conn.close(reason);
    }
  }

  /** Addresses to dial, from `source` (a tracker, the magnet link, the user…), in whichever phase. */
  addPeers(addresses: readonly PeerAddress[], source: PeerSource, speakingUtp: readonly PeerAddress[] = []): void {
    const added = this.registry.add(addresses, source);
    for (const address of speakingUtp) this.registry.setUtp(address, true, true);
    if (added > 0) {
      this.wake();
      this.#dial();
    }
  }

  /** An incoming connection whose handshake named this torrent; false refuses it. */
  accept(socket: PeerSocket, received: ReceivedHandshake): boolean {
    const address = { host: normalizeHost(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    const exchange = this.#exchange;
    if (!exchange || this.registry.isBanned(address) || this.#joined.size + this.#dialing.size >= this.#o.maxConnections) return false;
    this.#attach(PeerConnection.accept(socket, received, this.#connOptions(exchange)), address, 'incoming');
    return true;
  }

  /** Something changed that the exchange's tick acts on (the torrent wants pieces again): a sleeping swarm ticks again. */
  wake(): void {
    this.#ticking?.wake();
  }

  /** Never dials or accepts the peer again, and closes its connection. */
  ban(address: PeerAddress, why: string): void {
    // Judged twice (by leaf hashes, then by smart ban once the piece passes): one ban, one line.
    if (this.registry.isBanned(address)) return;
    this.registry.ban(address);
    const key = addressKey(address);
    this.#o.events.log(`banned ${key}: ${why}`);
    for (const [conn, joined] of this.#joined) if (addressKey(joined.address) === key) conn.close(`banned: ${why}`);
  }

  #connOptions(exchange: PeerExchange): PeerConnectionOptions {
    const v2 = this.#wireHashV2;
    return {
      ...exchange.connectionOptions(),
      infoHash: this.#o.infoHash,
      peerId: this.#o.peerId,
      ...(v2 !== undefined && { infoHashV2: v2 }),
      // BEP 52: a hybrid's dial names the v1 hash and offers v2; a v1-only or v2-only torrent's never sets the bit.
      ...(this.#other !== undefined && { extensions: { v2: true } }),
    };
  }

  #dial(): void {
    const exchange = this.#exchange;
    if (!exchange) return;
    const room = this.#o.maxConnections - this.#joined.size - this.#dialing.size;
    const halfOpenRoom = (this.#o.maxHalfOpen ?? 8) - this.#dialing.size;
    const encryption = this.#o.encryption?.() ?? 'off';
    for (const address of this.registry.takeDialable(Math.min(room, halfOpenRoom))) this.#dialTo(exchange, address, encryption);
  }

  /** Dials over uTP when the peer is known to speak it (or `overUtp` says), else TCP; `fallback`: the other transport already failed. */
  #dialTo(exchange: PeerExchange, address: PeerAddress, encryption: EncryptionMode, overUtp = this.registry.speaksUtp(address) === true, fallback = false): void {
    const tcp = this.#o.tcp?.() ?? true;
    const utp = overUtp || !tcp ? this.#o.utp?.() : undefined;
    const conn = PeerConnection.dial({ ...this.#connOptions(exchange), host: address.host, port: address.port, connectTimeoutMs: 5000, encryption, ...(utp ? { utp } : {}) });
    this.#dialing.add(conn);
    this.#attach(conn, address, this.registry.sourceOf(address), encryption, fallback);
  }

  /**
   * Whether a second connection with peer `id` replaces the first. When both ends dialled at once,
   * each sees one connection it dialled and one it accepted; keeping "the first" on each side can
   * close both (each side's first is a different one), and the two then back off and meet again in
   * step. Both sides instead keep the connection dialled by the greater peer id, as libtorrent does.
   */
  #replaces(dialled: boolean, other: { readonly conn: PeerConnection; readonly dialled: boolean }, id: string): boolean {
    if (dialled === other.dialled) return false;
    // A connection that already carried blocks is no simultaneous open but a peer dialling back
    // (aria2 does, once a second): closing it would drop its requests and the data in flight.
    if (other.conn.payloadReceived > 0 || other.conn.payloadSent > 0) return false;
    return dialled === this.#ourPeerId > id;
  }

  /**
   * A dial that ended before the peer said anything may have used the wrong transport: try the
   * other once (true). An encrypted TCP dial under 'prefer' is first tried again in plaintext.
   */
  #transportFailed(conn: PeerConnection, address: PeerAddress, encryption: EncryptionMode, fallback: boolean): boolean {
    const exchange = this.#exchange;
    if (!exchange) return false;
    if (conn.utp) {
      if (!conn.neverConnected) return false;
      this.registry.setUtp(address, false);
      if (fallback || this.#o.tcp?.() === false) return false;
      this.#dialTo(exchange, address, encryption, false, true);
      return true;
    }
    if (!conn.silent || fallback || (conn.failedInEncryptedHandshake && encryption === 'prefer')) return false;
    if (this.registry.speaksUtp(address) === false || !this.#o.utp?.()) return false;
    this.#dialTo(exchange, address, encryption, true, true);
    return true;
  }

  #attach(conn: PeerConnection, address: PeerAddress, source: PeerSource, dialledWith?: EncryptionMode, fallback = false): void {
    // A connection, dialled or accepted, has timeouts and requests for the tick to look after.
    this.wake();
    let joined: PeerExchange | undefined;
    let id = '';
    conn.once('handshake', (handshake) => {
      this.#dialing.delete(conn);
      id = hex(handshake.peerId);
      if (id === this.#ourPeerId) {
        this.registry.addSelf(address);
        conn.close('connected to ourselves');
        return;
      }
      const exchange = this.#exchange;
      const dialled = dialledWith !== undefined;
      const other = this.#peerIds.get(id);
      if (!exchange || (other && !this.#replaces(dialled, other, id))) {
        conn.close('already connected to this peer');
        return;
      }
      other?.conn.close('already connected to this peer');
      joined = exchange;
      if (conn.utp) this.registry.setUtp(address, true);
      this.#peerIds.set(id, { conn, dialled });
      this.#joined.set(conn, { address, exchange });
      this.registry.connected(address);
      exchange.joined(conn, address, source);
    });
    conn.once('close', (reason, error) => {
      this.#dialing.delete(conn);
      if (!joined && dialledWith && this.#transportFailed(conn, address, dialledWith, fallback)) return;
      if (conn.failedInEncryptedHandshake && this.#encryptionFailed(address, dialledWith, error ?? new Error(reason))) return;
      if (joined) {
        this.#joined.delete(conn);
        if (this.#peerIds.get(id)?.conn === conn) this.#peerIds.delete(id);
        joined.left(conn, reason);
      }
      // A dial that never got a handshake counts as a failure, so dead addresses back off.
      this.registry.disconnected(address, joined === undefined && error !== undefined, this.#redialSoon.delete(conn));
      this.#dial();
    });
  }

  /**
   * A dial whose encrypted handshake failed: with 'prefer' the peer may speak only plaintext, so it
   * is dialled again at once in the clear (true); with 'require' the log says why it is left.
   */
  #encryptionFailed(address: PeerAddress, dialledWith: EncryptionMode | undefined, error: Error): boolean {
    const exchange = this.#exchange;
    if (dialledWith === 'prefer' && exchange) {
      this.#dialTo(exchange, address, 'off');
      return true;
    }
    if (dialledWith === 'require') {
      this.#o.events.log(`not connected to ${addressKey(address)}: encryption is required and the encrypted handshake failed (${error.message})`);
    }
    return false;
  }

  #tick(): void {
    const exchange = this.#exchange;
    if (!exchange) return;
    exchange.tick();
    this.#dial();
    const connections = this.#joined.size + this.#dialing.size;
    if (exchange.wantsPeers && connections < Math.min(this.#o.maxConnections, 10)) this.#o.events.needPeers();
    // Asleep until a peer comes (a dial or an incoming connection wakes it) or a known address's back-off ends.
    else if (exchange.idle && connections === 0) this.#ticking?.sleep(this.registry.nextDialAt());
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
