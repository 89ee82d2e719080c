import type { PeerConnection } from '../wire/peer-connection';
import { encodeMetadataMessage, MAX_METADATA_SIZE, METADATA_PIECE_SIZE, metadataPiece, parseMetadataMessage, UT_METADATA, UT_METADATA_LOCAL_ID } from '../wire/ut-metadata';

/** Requests answered per connection beyond the pieces themselves: a fetch that failed may retry. */
const SPARE_ANSWERS = 2;

/**
 * Serves our info dictionary to one peer over BEP 9 (`ut_metadata`), so magnet links resolve
 * through us. Each piece is answered a few times at most per connection; beyond that, and for
 * pieces that do not exist, the peer gets a reject.
 */
export class MetadataResponder {
  readonly #conn: PeerConnection;
  readonly #info: Uint8Array | undefined;
  #budget: number;

  constructor(conn: PeerConnection, info: Uint8Array) {
    this.#conn = conn;
    // Bigger than any peer would accept: not offered at all.
    this.#info = info.length <= MAX_METADATA_SIZE ? info : undefined;
    this.#budget = this.#info ? Math.ceil(this.#info.length / METADATA_PIECE_SIZE) * (1 + SPARE_ANSWERS) : 0;
  }

  /** Our part of the extended handshake. */
  handshakeFields(): { m: Record<string, number>; metadataSize?: number } {
    return this.#info ? { m: { [UT_METADATA]: UT_METADATA_LOCAL_ID }, metadataSize: this.#info.length } : { m: {} };
  }

  /** An extended message on our `ut_metadata` id. A malformed one throws a ShoalError('protocol'). */
  handle(payload: Uint8Array): void {
    const message = parseMetadataMessage(payload);
    if (message.type !== 'request') return; // we never asked, so data and rejects mean nothing
    const theirId = this.#conn.peerExtendedHandshake?.m[UT_METADATA];
    if (!theirId) return; // they gave us no id to answer on
    const data = this.#info && this.#budget > 0 ? metadataPiece(this.#info, message.piece) : undefined;
    if (data && this.#info) {
      this.#budget--;
      this.#conn.sendExtended(theirId, encodeMetadataMessage({ type: 'data', piece: message.piece, totalSize: this.#info.length, data }));
    } else {
      this.#conn.sendExtended(theirId, encodeMetadataMessage({ type: 'reject', piece: message.piece }));
    }
  }
}
