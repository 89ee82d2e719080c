import type { Socket } from 'node:net';
import { defaultTorrentOptions, type TorrentOptions } from '../../../src-shared/contract';
import { isShoalError, ShoalError } from '../../../src-shared/errors';
import type { Magnet } from '../metainfo/magnet';
import { metainfoFromMagnet } from '../metainfo/magnet-metadata';
import type { Metainfo } from '../metainfo/metainfo';
import { sanitizeComponent } from '../metainfo/sanitize-path';
import { addressKey, normalizeHost, PeerRegistry, type PeerAddress } from '../swarm/peer-registry';
import { Announcer } from '../tracker/announcer';
import type { TradingInit } from '../torrent';
import { PeerConnection } from '../wire/peer-connection';
import type { ReceivedHandshake } from '../wire/read-handshake';
import { encodeMetadataMessage, MAX_METADATA_SIZE, parseMetadataMessage, UT_METADATA, UT_METADATA_LOCAL_ID } from '../wire/ut-metadata';
import { MetadataScheduler, type MetadataSchedulerOptions } from './metadata-scheduler';

export interface MetadataFetchInit extends TradingInit {
  readonly magnet: Magnet;
  /** Files (by index) the user chose not to download, applied once the file list is known. */
  readonly skipFiles?: readonly number[];
  /** Request timing (tests shorten it). */
  readonly scheduling?: MetadataSchedulerOptions;
  readonly events: MetadataFetchEvents;
}

export interface MetadataFetchEvents {
  /** The info dictionary arrived and verified: the torrent can start with these peers. Sent once. */
  ready(fetch: MetadataFetch, metainfo: Metainfo, peers: PeerAddress[]): void;
  /** The metadata verified but is not a torrent Shoal can use. */
  failed(fetch: MetadataFetch, error: ShoalError): void;
  log(fetch: MetadataFetch, message: string): void;
  /** Something its list row shows changed (state, error, peers, trackers' counts). */
  changed(fetch: MetadataFetch): void;
}

export type MetadataFetchState = 'metadata' | 'paused' | 'error';

const TICK_MS = 500;
const MAX_HALF_OPEN = 8;
/** Addresses handed to the torrent once the metadata is in. */
const MAX_HANDOVER = 200;
/**
 * `left` we announce before the size is known: not 0, which would make us a seed to the tracker
 * (and opentracker gives seeds no seeds).
 */
const UNKNOWN_LEFT = 16 * 1024;

/**
 * A magnet link before its metadata: find peers (the magnet's trackers and `x.pe` peers, and
 * peers that dial us), ask them for the info dictionary over BEP 9, check it against the
 * info-hash, and hand the Metainfo (and the peers found) to the session.
 */
export class MetadataFetch {
  readonly magnet: Magnet;
  readonly infoHash: string;
  /** The `dn` name, sanitized, or the info-hash. */
  readonly name: string;
  readonly savePath: string;
  readonly addedAt: number;
  readonly skipFiles: readonly number[];
  readonly announcer: Announcer;
  error: string | null = null;
  readonly #o: MetadataFetchInit;
  readonly #registry = new PeerRegistry();
  readonly #scheduler: MetadataScheduler;
  readonly #peers = new Map<string, { conn: PeerConnection; address: PeerAddress }>();
  readonly #dialing = new Set<PeerConnection>();
  /** Dialable addresses seen, newest last, for the handover. */
  readonly #learned = new Map<string, PeerAddress>();
  #state: MetadataFetchState = 'paused';
  #options: TorrentOptions = defaultTorrentOptions;
  #timer: NodeJS.Timeout | undefined;
  #done = false;

  constructor(init: MetadataFetchInit) {
    this.#o = init;
    const m = init.magnet;
    this.magnet = m;
    this.infoHash = m.infoHashHex;
    this.name = sanitizeComponent(m.name ?? '') ?? m.infoHashHex;
    this.savePath = init.savePath;
    this.addedAt = init.addedAt ?? Date.now();
    this.skipFiles = init.skipFiles ?? [];
    this.#scheduler = new MetadataScheduler(m.infoHash, init.scheduling);
    this.#registry.addSelf({ host: '127.0.0.1', port: init.listenPort });
    this.announcer = new Announcer({
      tiers: m.trackers.map((url) => [url]),
      infoHash: m.infoHash,
      peerId: init.peerId,
      port: init.listenPort,
      ...(init.announceIntervalSec !== undefined ? { intervalOverrideSec: init.announceIntervalSec } : {}),
      stats: () => ({ uploaded: 0, downloaded: 0, left: m.length ?? UNKNOWN_LEFT }),
      onPeers: (peers) => this.addPeers(peers),
      onChange: () => init.events.changed(this),
    });
    this.addPeers(m.peers);
  }

  get state(): MetadataFetchState {
    return this.#state;
  }

  /** The torrent's own options, kept for the torrent it becomes. */
  get options(): TorrentOptions {
    return this.#options;
  }

  setOptions(changes: Partial<TorrentOptions>): void {
    this.#options = { ...this.#options, ...changes };
  }

  /** Connected peers (whether or not they offer the metadata). */
  get peerCount(): number {
    return this.#peers.size;
  }

  /** Metadata pieces received of those known to exist. */
  get progress(): { received: number; total: number } {
    return this.#scheduler.progress;
  }

  /** Peers worth dialling for the torrent: the ones connected now first. */
  #knownPeers(): PeerAddress[] {
    const connected = [...this.#peers.values()].map((p) => this.#dialable(p.conn, p.address)).filter((a) => a !== undefined);
    const all = new Map<string, PeerAddress>();
    for (const a of [...connected, ...[...this.#learned.values()].reverse()]) if (!this.#registry.isBanned(a)) all.set(addressKey(a), a);
    return [...all.values()].slice(0, MAX_HANDOVER);
  }

  start(): void {
    if (this.#state === 'metadata' || this.#done) return;
    this.#state = 'metadata';
    this.error = null;
    this.#o.events.changed(this);
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    this.#timer.unref();
    this.announcer.start();
    this.#dial();
  }

  async pause(): Promise<void> {
    if (this.#state === 'paused') return;
    this.#state = 'paused';
    this.#o.events.changed(this);
    this.#disconnect('paused');
    await this.announcer.stop();
  }

  /** Stops for good (removed from the list), telling the trackers. */
  async stop(): Promise<void> {
    this.#done = true;
    this.#state = 'paused';
    this.#disconnect('torrent stopped');
    await this.announcer.stop();
  }

  /** Stops on an error the user must see: the row stays, in state 'error', with the message. */
  fail(error: ShoalError): void {
    void this.stop();
    this.error = error.message;
    this.#state = 'error';
    this.#o.events.changed(this);
    this.#o.events.failed(this, error);
  }

  /** An incoming connection whose handshake named this magnet; false refuses it. */
  accept(socket: Socket, received: ReceivedHandshake): boolean {
    const host = normalizeHost(socket.remoteAddress ?? '');
    const address = { host, port: socket.remotePort ?? 0 };
    if (!this.#active || this.#registry.isBanned(address) || this.#peers.size + this.#dialing.size >= this.#o.maxConnections) return false;
    this.#attach(PeerConnection.accept(socket, received, this.#connOptions()), address);
    return true;
  }

  #connOptions() {
    return { infoHash: this.magnet.infoHash, peerId: this.#o.peerId };
  }

  /** Peers to try for the metadata (from trackers, the magnet's `x.pe`, or the DHT). */
  addPeers(addresses: readonly PeerAddress[]): void {
    for (const a of addresses) {
      this.#learned.delete(addressKey(a));
      this.#learned.set(addressKey(a), a);
      if (this.#learned.size > MAX_HANDOVER) this.#learned.delete(this.#learned.keys().next().value!);
    }
    if (this.#registry.add(addresses, 'tracker') > 0) this.#dial();
  }

  /** Fetching now: started, not paused, and not yet done. */
  get #active(): boolean {
    return this.#state === 'metadata' && !this.#done;
  }

  #dial(): void {
    if (!this.#active) return;
    const room = Math.min(this.#o.maxConnections - this.#peers.size - this.#dialing.size, MAX_HALF_OPEN - this.#dialing.size);
    for (const address of this.#registry.takeDialable(room)) {
      const conn = PeerConnection.dial({ ...this.#connOptions(), host: address.host, port: address.port, connectTimeoutMs: 5000 });
      this.#dialing.add(conn);
      this.#attach(conn, address);
    }
  }

  #attach(conn: PeerConnection, address: PeerAddress): void {
    const key = addressKey(address);
    let joined = false;
    conn.once('handshake', (handshake) => {
      this.#dialing.delete(conn);
      if (Buffer.from(handshake.peerId).equals(this.#o.peerId)) {
        this.#registry.addSelf(address);
        conn.close('connected to ourselves');
        return;
      }
      if (!this.#active || this.#peers.has(key)) {
        conn.close('not needed');
        return;
      }
      if (!conn.extensionProtocol) {
        conn.close('the peer cannot send metadata (no extension protocol)');
        return;
      }
      joined = true;
      this.#peers.set(key, { conn, address });
      this.#o.events.changed(this);
      this.#registry.connected(address);
      conn.sendExtendedHandshake({ m: { [UT_METADATA]: UT_METADATA_LOCAL_ID }, v: 'Shoal 0.1.0' });
    });
    conn.on('extendedHandshake', (h) => {
      const size = h.metadataSize;
      if (!h.m[UT_METADATA] || size === undefined) return; // it may offer the metadata in a later handshake
      if (size <= 0 || size > MAX_METADATA_SIZE) {
        this.#drop(key, `announced metadata of ${size} bytes`);
        return;
      }
      this.#scheduler.addPeer(key, size);
      this.#request();
    });
    conn.on('extended', (id, payload) => {
      if (id !== UT_METADATA_LOCAL_ID) return;
      const message = parseMetadataMessage(payload);
      if (message.type === 'request') {
        // We have nothing to give yet (BEP 9: reject).
        const theirs = conn.peerExtendedHandshake?.m[UT_METADATA];
        if (theirs) conn.sendExtended(theirs, encodeMetadataMessage({ type: 'reject', piece: message.piece }));
      } else if (message.type === 'reject') {
        this.#scheduler.rejected(key, message.piece);
        this.#request();
      } else {
        this.#onData(key, message.piece, message.totalSize, message.data);
      }
    });
    conn.once('close', (_reason, error) => {
      this.#dialing.delete(conn);
      if (joined && this.#peers.get(key)?.conn === conn) {
        this.#peers.delete(key);
        this.#o.events.changed(this);
        this.#scheduler.removePeer(key);
        this.#request();
      }
      this.#registry.disconnected(address, !joined && error !== undefined);
      this.#dial();
    });
  }

  #onData(key: string, piece: number, totalSize: number, data: Uint8Array): void {
    const outcome = this.#scheduler.received(key, piece, totalSize, data);
    for (const liar of outcome.liars) this.#drop(liar, 'sent metadata that does not match the info-hash');
    if (outcome.info) this.#finish(outcome.info);
    else this.#request();
  }

  #finish(info: Uint8Array): void {
    let metainfo: Metainfo;
    try {
      metainfo = metainfoFromMagnet(this.magnet, info);
    } catch (err) {
      this.fail(isShoalError(err) ? err : new ShoalError('invalid-torrent', String(err)));
      return;
    }
    const peers = this.#knownPeers();
    this.#done = true;
    this.#disconnect('the metadata is in; the torrent takes over');
    // No `stopped`: the torrent announces `started` as the same peer, and a late `stopped` would undo it.
    void this.announcer.stop({ quietly: true });
    this.#o.events.ready(this, metainfo, peers);
  }

  /** Sends what the scheduler says to send now. */
  #request(): void {
    if (!this.#active) return;
    for (const { peer, piece } of this.#scheduler.next()) {
      const p = this.#peers.get(peer);
      const theirs = p?.conn.peerExtendedHandshake?.m[UT_METADATA];
      if (p && theirs) p.conn.sendExtended(theirs, encodeMetadataMessage({ type: 'request', piece }));
    }
  }

  #drop(key: string, why: string): void {
    const peer = this.#peers.get(key);
    if (!peer) return;
    this.#registry.ban(peer.address);
    this.#o.events.log(this, `banned ${key}: ${why}`);
    peer.conn.close(`banned: ${why}`);
  }

  #tick(): void {
    this.#request();
    this.#dial();
    if (this.#peers.size + this.#dialing.size < Math.min(this.#o.maxConnections, 10)) this.announcer.announceNow();
  }

  #disconnect(reason: string): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const conn of this.#dialing) conn.close(reason);
    for (const { conn } of this.#peers.values()) conn.close(reason);
  }

  /** Where a peer listens: the address we dialled, or the port its extended handshake names. */
  #dialable(conn: PeerConnection, address: PeerAddress): PeerAddress | undefined {
    if (this.#learned.has(addressKey(address))) return address;
    const port = conn.peerExtendedHandshake?.p;
    return port ? { host: address.host, port } : undefined;
  }
}
