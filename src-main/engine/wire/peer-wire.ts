import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { ShoalError } from '../../../src-shared/errors';
import { encodeExtendedHandshake, parseExtendedHandshake, type ExtendedHandshake } from './extended-handshake';
import type { Handshake, HandshakeExtensions } from './handshake';
import type { PeerSocket } from './peer-socket';
import { encodeMessage, encodePieceHeader, encodeRequests, MAX_BLOCK_SIZE, type BlockRef, type HashRef, type WireMessage } from './messages';
import { RateMeter } from './rate-meter';

/** Events, one per message type, with the message's fields as arguments. */
export interface PeerConnectionEvents {
  /**
   * The peer's handshake was read and its info-hash checked; messages may be sent from here on.
   * Peer ids are the caller's to judge (a connection to ourselves, a duplicate peer).
   */
  handshake: [handshake: Handshake];
  keepAlive: [];
  choke: [];
  unchoke: [];
  interested: [];
  notInterested: [];
  have: [index: number];
  /** Raw bitfield bytes (its length already checked when the piece count is known). */
  bitfield: [bytes: Uint8Array];
  haveAll: [];
  haveNone: [];
  request: [block: BlockRef];
  /** `block` is the listener's own copy, from the `blocks` pool when one was given. */
  piece: [index: number, begin: number, block: Uint8Array];
  cancel: [block: BlockRef];
  reject: [block: BlockRef];
  suggest: [index: number];
  allowedFast: [index: number];
  port: [port: number];
  extendedHandshake: [handshake: ExtendedHandshake];
  /** A BEP 10 message other than the handshake; `id` is the one we assigned in our `m`. */
  extended: [id: number, payload: Uint8Array];
  /** BEP 52: the peer asks for hashes of a file's Merkle tree (answer with `hashes` or `hash reject`). */
  hashRequest: [ref: HashRef];
  /** BEP 52: hashes answering our request; `hashes` holds the base hashes, then the uncles. */
  hashes: [ref: HashRef, hashes: Uint8Array];
  /** BEP 52: the peer will not answer our request for `ref`. */
  hashReject: [ref: HashRef];
  /** The socket's write queue emptied (see `writableLength`). */
  drain: [];
  /** Emitted exactly once. `error` is set when a protocol or network error caused it. */
  close: [reason: string, error: Error | undefined];
}

export type ConnectionState = 'connecting' | 'handshaking' | 'open' | 'closed';

/**
 * The messages of one peer connection, both ways: the send methods and our choke/interest flags;
 * received messages turned into events and the peer's flags; byte counters and payload rates.
 * `PeerConnection` adds the transport: dialling, the handshake, reading, timers and closing.
 */
export abstract class PeerWire extends EventEmitter<PeerConnectionEvents> {
  /** Whether we choke the peer (BEP 3 initial state: choked, not interested, both ways). */
  amChoking = true;
  amInterested = false;
  peerChoking = true;
  peerInterested = false;

  /** The peer's handshake, once received. */
  peerHandshake: Handshake | undefined;
  /** The peer's BEP 10 handshake, once received (a later one replaces it, as BEP 10 allows). */
  peerExtendedHandshake: ExtendedHandshake | undefined;

  /** All bytes read and written, and the block bytes among them. Protocol bytes are the difference. */
  bytesReceived = 0;
  bytesSent = 0;
  readonly #down = new RateMeter();
  readonly #up = new RateMeter();

  protected state: ConnectionState;
  protected lastSentAt = Date.now();
  protected readonly socket: PeerSocket;
  /** The extensions we announce. */
  protected readonly ours: HandshakeExtensions;
  /** A TCP socket's write callback means its bytes are in the kernel; a uTP socket's does not (it keeps them queued). */
  readonly #writeCallbackFrees: boolean;

  protected constructor(socket: PeerSocket, state: ConnectionState, extensions: Partial<HandshakeExtensions> | undefined) {
    super();
    this.socket = socket;
    this.#writeCallbackFrees = socket instanceof Socket;
    this.state = state;
    this.ours = { extended: extensions?.extended ?? true, fast: extensions?.fast ?? true, dht: extensions?.dht ?? false, v2: extensions?.v2 ?? false };
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Closed for good (a connection still dialling or handshaking is neither open nor closed). */
  get closed(): boolean {
    return this.state === 'closed';
  }

  /** Both sides announced BEP 6. */
  get fastExtension(): boolean {
    return this.ours.fast && (this.peerHandshake?.fast ?? false);
  }

  /** Both sides announced BEP 10. */
  get extensionProtocol(): boolean {
    return this.ours.extended && (this.peerHandshake?.extended ?? false);
  }

  /** Bytes handed to the socket but not yet sent. Stop queuing blocks while this is high. */
  get writableLength(): number {
    return this.socket.writableLength;
  }

  /** Block bytes received and sent. */
  get payloadReceived(): number {
    return this.#down.total;
  }

  get payloadSent(): number {
    return this.#up.total;
  }

  /** Block bytes per second received, over the last 5 s. */
  downloadRate(nowMs = Date.now()): number {
    return this.#down.rate(nowMs);
  }

  uploadRate(nowMs = Date.now()): number {
    return this.#up.rate(nowMs);
  }

  // ── sending ──────────────────────────────────────────────────────────────────────────────

  choke(): void {
    if (this.amChoking) return;
    this.amChoking = true;
    this.#send({ type: 'choke' });
  }

  unchoke(): void {
    if (!this.amChoking) return;
    this.amChoking = false;
    this.#send({ type: 'unchoke' });
  }

  interested(): void {
    if (this.amInterested) return;
    this.amInterested = true;
    this.#send({ type: 'interested' });
  }

  notInterested(): void {
    if (!this.amInterested) return;
    this.amInterested = false;
    this.#send({ type: 'notInterested' });
  }

  sendHave(index: number): void {
    this.#send({ type: 'have', index });
  }

  sendBitfield(bytes: Uint8Array): void {
    this.#send({ type: 'bitfield', bytes });
  }

  sendHaveAll(): void {
    this.#requireFast('have all');
    this.#send({ type: 'haveAll' });
  }

  sendHaveNone(): void {
    this.#requireFast('have none');
    this.#send({ type: 'haveNone' });
  }

  /** Several requests in one write. */
  sendRequests(blocks: readonly BlockRef[]): void {
    if (blocks.length > 0) this.write(encodeRequests(blocks));
  }

  sendCancel(block: BlockRef): void {
    this.#send({ type: 'cancel', ...block });
  }

  /** Holds what is sent until `uncork`, so many messages (a batch of blocks) leave in one system call. */
  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  /**
   * Sends a block without copying it. `written` is called once the socket no longer needs the
   * block's bytes, or never when it cannot tell (uTP keeps bytes past its write callback).
   */
  sendPiece(index: number, begin: number, block: Uint8Array, written?: () => void): void {
    if (this.state !== 'open') return;
    if (block.length > MAX_BLOCK_SIZE) throw new RangeError(`block of ${block.length} bytes is too large`);
    this.socket.cork();
    this.write(encodePieceHeader(index, begin, block.length));
    this.write(block, this.#writeCallbackFrees ? written : undefined);
    this.socket.uncork();
    this.#up.add(block.length);
  }

  sendReject(block: BlockRef): void {
    this.#requireFast('reject request');
    this.#send({ type: 'reject', ...block });
  }

  /** BEP 6: "you might like this piece" (we just read it into the cache). */
  sendSuggest(index: number): void {
    this.#requireFast('suggest piece');
    this.#send({ type: 'suggest', index });
  }

  /** BEP 6: the peer may request this piece even while we choke it. */
  sendAllowedFast(index: number): void {
    this.#requireFast('allowed fast');
    this.#send({ type: 'allowedFast', index });
  }

  sendExtendedHandshake(handshake: ExtendedHandshake): void {
    this.sendExtended(0, encodeExtendedHandshake(handshake));
  }

  /** A BEP 10 message; `id` is the one the peer assigned in its `m` dictionary. */
  sendExtended(id: number, payload: Uint8Array): void {
    if (!this.extensionProtocol) throw new Error('the extension protocol was not negotiated with this peer');
    this.#send({ type: 'extended', id, payload });
  }

  /** BEP 52: asks for hashes of the tree whose root is `ref.piecesRoot`. */
  sendHashRequest(ref: HashRef): void {
    this.#send({ type: 'hashRequest', ...ref });
  }

  /** BEP 52: answers a hash request: the base hashes, then the uncles, lowest first. */
  sendHashes(ref: HashRef, hashes: Uint8Array): void {
    this.#send({ type: 'hashes', ...ref, hashes });
  }

  sendHashReject(ref: HashRef): void {
    this.#send({ type: 'hashReject', ...ref });
  }

  protected sendKeepAlive(): void {
    this.#send({ type: 'keepAlive' });
  }

  /** Hands bytes to the socket, unless it is not connected yet or closed (then `written` is never called). */
  protected write(bytes: Uint8Array, written?: () => void): void {
    if (this.state === 'closed' || this.state === 'connecting') return;
    this.bytesSent += bytes.length;
    this.lastSentAt = Date.now();
    this.socket.write(bytes, written);
  }

  #send(m: WireMessage): void {
    this.write(encodeMessage(m));
  }

  /** BEP 6 messages go only to a peer that announced the fast extension. */
  #requireFast(what: string): void {
    if (!this.fastExtension) throw new Error(`cannot send "${what}": the fast extension was not negotiated`);
  }

  // ── receiving ────────────────────────────────────────────────────────────────────────────

  /** One decoded message from the peer: updates its flags and emits the message's event. */
  protected receive(m: WireMessage): void {
    switch (m.type) {
      case 'keepAlive':
        this.emit('keepAlive');
        return;
      case 'choke':
        this.peerChoking = true;
        this.emit('choke');
        return;
      case 'unchoke':
        this.peerChoking = false;
        this.emit('unchoke');
        return;
      case 'interested':
        this.peerInterested = true;
        this.emit('interested');
        return;
      case 'notInterested':
        this.peerInterested = false;
        this.emit('notInterested');
        return;
      case 'have':
        this.emit('have', m.index);
        return;
      case 'bitfield':
        // A later bitfield replaces what the peer said before: aria2 sends one after `have none`
        // and a few `have`s, and dropping it for that would starve it.
        this.emit('bitfield', m.bytes);
        return;
      case 'haveAll':
        this.#checkFast('have all');
        this.emit('haveAll');
        return;
      case 'haveNone':
        this.#checkFast('have none');
        this.emit('haveNone');
        return;
      case 'request':
        this.emit('request', { index: m.index, begin: m.begin, length: m.length });
        return;
      case 'piece':
        this.#down.add(m.block.length);
        this.emit('piece', m.index, m.begin, m.block);
        return;
      case 'cancel':
        this.emit('cancel', { index: m.index, begin: m.begin, length: m.length });
        return;
      case 'reject':
        this.#checkFast('reject request');
        this.emit('reject', { index: m.index, begin: m.begin, length: m.length });
        return;
      case 'suggest':
        this.#checkFast('suggest piece');
        this.emit('suggest', m.index);
        return;
      case 'allowedFast':
        this.#checkFast('allowed fast');
        this.emit('allowedFast', m.index);
        return;
      case 'port':
        this.emit('port', m.port);
        return;
      case 'extended':
        if (!this.extensionProtocol) throw new ShoalError('protocol', 'The peer sent an extension message without announcing BEP 10.');
        if (m.id === 0) {
          this.peerExtendedHandshake = parseExtendedHandshake(m.payload);
          this.emit('extendedHandshake', this.peerExtendedHandshake);
        } else {
          this.emit('extended', m.id, m.payload);
        }
        return;
      case 'hashRequest':
      case 'hashReject': {
        const { type, ...ref } = m;
        this.emit(type, ref);
        return;
      }
      case 'hashes': {
        const { type, hashes, ...ref } = m;
        this.emit(type, ref, hashes);
        return;
      }
    }
  }

  #checkFast(what: string): void {
    if (!this.fastExtension) throw new ShoalError('protocol', `The peer sent "${what}" without announcing the fast extension.`);
  }
}
