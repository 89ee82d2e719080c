import { Bitfield } from '../../../src-shared/bitfield';
import type { PeerSourceName } from '../../../src-shared/contract';
import type { PeerConnection } from '../wire/peer-connection';
import type { BlockRef } from '../wire/messages';
import { addressKey, type PeerAddress } from '../net/peer-address';

/**
 * How we learned of a peer (a tracker, its own connection to us, the magnet link's `x.pe`, the
 * DHT, another peer's PEX, local discovery), shown in the Peers tab.
 */
export type PeerSource = PeerSourceName;

/** One connected peer of a swarm: its connection plus what the swarm knows about it. */
export class SwarmPeer {
  readonly key: string;
  /** Pieces the peer has (replaced whole by its `bitfield` message). */
  has: Bitfield;
  readonly connectedAt = Date.now();
  /** Requests from the peer waiting to be served, oldest first. */
  readonly uploadQueue: BlockRef[] = [];
  /** A disk read for this peer is under way. */
  serving = false;
  /** Serving is due once the messages read with the latest request are handled (see `Uploader.onRequest`). */
  serveQueued = false;
  /** Payload bytes that failed a hash check while this peer contributed. */
  suspectBytes = 0;
  /** We sent `interested` (kept exact: only sent on change). */
  interested = false;
  /** BEP 6: pieces we serve this peer even while we choke it (empty without the fast extension). */
  allowedFastTo: ReadonlySet<number> = new Set();
  /** BEP 6: pieces the peer serves us while it chokes us (bounded, see `addPieceHint`). */
  readonly allowedFastFrom: number[] = [];
  /** BEP 6: pieces the peer suggested, latest last (bounded); asked for first while we want them. */
  suggested: number[] = [];
  /** Pieces we suggested to the peer, so each is suggested once. */
  readonly suggestedTo = new Set<number>();
  /** Serves the peer's queue; waits in the upload limit's queue while that is shut. */
  readonly serveWhenAllowed: () => void;

  constructor(
    readonly conn: PeerConnection,
    readonly address: PeerAddress,
    readonly source: PeerSource,
    pieceCount: number,
    serve: (peer: SwarmPeer) => void,
  ) {
    this.key = addressKey(address);
    this.has = new Bitfield(pieceCount);
    this.serveWhenAllowed = () => serve(this);
  }

  get isSeed(): boolean {
    return this.has.complete;
  }

  /** The peer wants nothing from anyone: a seed, or a partial seed (BEP 21 `upload_only`). */
  get uploadOnly(): boolean {
    return this.isSeed || this.conn.peerExtendedHandshake?.uploadOnly === true;
  }
}
