import type { PeerConnection } from '../wire/peer-connection';
import { encodeMetadataMessage, MAX_METADATA_SIZE, parseMetadataMessage, UT_METADATA, UT_METADATA_LOCAL_ID } from '../wire/ut-metadata';
import { MetadataScheduler, type MetadataSchedulerOptions } from './metadata-scheduler';
import { addressKey, type PeerAddress } from '../net/peer-address';
import type { PeerExchange, Swarm } from './swarm';
import type { PeerSource } from './swarm-peer';

export interface MetadataExchangeOptions {
  readonly infoHash: Uint8Array;
  /** A btmh link's SHA-256 info-hash (BEP 52): the metadata must hash to it too. */
  readonly infoHashV2?: Uint8Array | undefined;
  /** The torrent's swarm, which bans the peers caught lying. */
  readonly swarm: Swarm;
  /** Request timing (tests shorten it). */
  readonly scheduling?: MetadataSchedulerOptions;
  readonly events: MetadataExchangeEvents;
}

export interface MetadataExchangeEvents {
  /** The info dictionary arrived whole and hashes to the info-hash. Sent once. */
  received(info: Uint8Array): void;
  /** A peer joined or left (the row shows how many are connected). */
  changed(): void;
}

interface MetadataPeer {
  readonly conn: PeerConnection;
  readonly address: PeerAddress;
  readonly source: PeerSource;
}

/** The metadata phase asks more often than trading ticks: a request timeout is seconds, not minutes. */
const TICK_MS = 500;

/**
 * The swarm's peers while a magnet link has no info dictionary yet: ask the peers that offer it
 * (BEP 9, `ut_metadata`) for its pieces as the scheduler says, check the whole against the
 * info-hash, and ban the peers whose pieces were shown to be wrong.
 */
export class MetadataExchange implements PeerExchange {
  readonly tickMs = TICK_MS;
  readonly wantsPeers = true;
  readonly idle = false;
  readonly #o: MetadataExchangeOptions;
  readonly #scheduler: MetadataScheduler;
  readonly #peers = new Map<string, MetadataPeer>();
  #active = false;
  #done = false;

  constructor(options: MetadataExchangeOptions) {
    this.#o = options;
    this.#scheduler = new MetadataScheduler(options.infoHash, options.scheduling, options.infoHashV2);
  }

  /** The metadata arrived: this exchange asks for nothing more. */
  get done(): boolean {
    return this.#done;
  }

  /** Connected peers (whether or not they offer the metadata). */
  get peerCount(): number {
    return this.#peers.size;
  }

  /** Where the peers that connected to us listen (the port their extended handshake names), to dial them next phase. */
  listenAddresses(): PeerAddress[] {
    return [...this.#peers.values()].flatMap(({ conn, address, source }) => {
      const port = conn.peerExtendedHandshake?.p;
      return source === 'incoming' && port ? [{ host: address.host, port }] : [];
    });
  }

  connectionOptions() {
    return {};
  }

  started(): void {
    this.#active = !this.#done;
  }

  stopping(): void {
    this.#active = false;
  }

  joined(conn: PeerConnection, address: PeerAddress, source: PeerSource): void {
    if (!this.#active) {
      conn.close('not needed');
      return;
    }
    if (!conn.extensionProtocol) {
      conn.close('the peer cannot send metadata (no extension protocol)');
      return;
    }
    const key = addressKey(address);
    this.#peers.set(key, { conn, address, source });
    this.#o.events.changed();
    conn.sendExtendedHandshake({ m: { [UT_METADATA]: UT_METADATA_LOCAL_ID }, v: 'Shoal 0.1.0' });
    conn.on('extendedHandshake', (h) => {
      const size = h.metadataSize;
      if (!h.m[UT_METADATA] || size === undefined) return; // it may offer the metadata in a later handshake
      if (size <= 0 || size > MAX_METADATA_SIZE) {
        this.#ban(key, `announced metadata of ${size} bytes`);
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
  }

  left(conn: PeerConnection): void {
    for (const [key, peer] of this.#peers) {
      if (peer.conn !== conn) continue;
      this.#peers.delete(key);
      this.#o.events.changed();
      this.#scheduler.removePeer(key);
      this.#request();
    }
  }

  tick(): void {
    this.#request();
  }

  #onData(key: string, piece: number, totalSize: number, data: Uint8Array): void {
    const outcome = this.#scheduler.received(key, piece, totalSize, data);
    for (const liar of outcome.liars) this.#ban(liar, 'sent metadata that does not match the info-hash');
    if (outcome.info) {
      this.#done = true;
      this.#active = false;
      this.#o.events.received(outcome.info);
    } else {
      this.#request();
    }
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

  /** Bans a peer still connected. */
  #ban(key: string, why: string): void {
    const peer = this.#peers.get(key);
    if (peer) this.#o.swarm.ban(peer.address, why);
  }
}
