import { PEX_FLAG_ENCRYPTION, PEX_FLAG_REACHABLE, PEX_FLAG_SEED, PEX_FLAG_UTP, PexLink, UT_PEX_LOCAL_ID, type PexContact } from '../discovery/pex-link';
import type { PeerAddress } from '../net/peer-address';
import type { PeerConnection } from '../wire/peer-connection';
import { UT_PEX } from '../wire/ut-pex';
import type { SwarmPeer } from './swarm-peer';

export interface SwarmPexOptions {
  /** PEX is on for this torrent now (the `pex` setting, and never for a private torrent). */
  readonly enabled: () => boolean;
  /** Addresses peers told us of, to dial (source `pex`), and those among them flagged as speaking uTP. */
  readonly learn: (addresses: PeerAddress[], speakingUtp: PeerAddress[]) => void;
  readonly now?: () => number;
}

/** One trading torrent's peer exchange: a `PexLink` per connection, fed the torrent's connected peers. */
export class SwarmPex {
  readonly #o: SwarmPexOptions;
  readonly #links = new Map<PeerConnection, PexLink>();

  constructor(options: SwarmPexOptions) {
    this.#o = options;
  }

  /** Our part of the extended handshake's `m`: nothing when PEX is off (a private torrent never offers it). */
  handshakeFields(): Record<string, number> {
    return this.#o.enabled() ? { [UT_PEX]: UT_PEX_LOCAL_ID } : {};
  }

  joined(conn: PeerConnection): void {
    if (this.#o.enabled()) this.#links.set(conn, new PexLink(conn, this.#o.learn, this.#o.now));
  }

  left(conn: PeerConnection): void {
    this.#links.delete(conn);
  }

  /** An extended message on our `ut_pex` id; malformed ones throw ShoalError('protocol'). */
  receive(conn: PeerConnection, payload: Uint8Array): void {
    if (this.#o.enabled()) this.#links.get(conn)?.receive(payload);
  }

  /** Sends each link its due message; `peers` are the torrent's connected peers. */
  tick(peers: Iterable<SwarmPeer>): void {
    if (!this.#o.enabled() || this.#links.size === 0) return;
    let contacts: PexContact[] | undefined;
    const list = (): PexContact[] => (contacts ??= contactsOf(peers));
    for (const link of this.#links.values()) link.tick(list);
  }
}

/**
 * Our connected peers as PEX contacts: a peer we dialled is reachable at the address we dialled; a
 * peer that dialled us only at the listening port its extended handshake named (or not at all).
 */
function contactsOf(peers: Iterable<SwarmPeer>): PexContact[] {
  const out: PexContact[] = [];
  for (const peer of peers) {
    if (!peer.conn.isOpen) continue;
    const seed = (peer.isSeed ? PEX_FLAG_SEED : 0) | (peer.conn.encryption !== 'none' ? PEX_FLAG_ENCRYPTION : 0) | (peer.conn.utp ? PEX_FLAG_UTP : 0);
    if (peer.source !== 'incoming') {
      out.push({ host: peer.address.host, port: peer.address.port, flags: seed | PEX_FLAG_REACHABLE });
      continue;
    }
    const port = peer.conn.peerExtendedHandshake?.p;
    if (port !== undefined) out.push({ host: peer.address.host, port, flags: seed });
  }
  return out;
}
