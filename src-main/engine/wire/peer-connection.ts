import { EventEmitter } from 'node:events';
import { connect, Socket } from 'node:net';
import { isShoalError, ShoalError } from '../../../src-shared/errors';
import type { BlockPool } from './block-pool';
import { encodeExtendedHandshake, parseExtendedHandshake, type ExtendedHandshake } from './extended-handshake';
import { encodeHandshake, HANDSHAKE_LENGTH, type Handshake, type HandshakeExtensions } from './handshake';
import { MessageDecoder } from './message-decoder';
import { encodeMessage, encodePieceHeader, encodeRequests, MAX_BLOCK_SIZE, type BlockRef, type WireMessage } from './messages';
import { RateMeter } from './rate-meter';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, HandshakeReader, type ReceivedHandshake } from './read-handshake';

export interface PeerConnectionOptions {
  /** The torrent this connection is for. */
  readonly infoHash: Uint8Array;
  /** Our 20-byte peer id. */
  readonly peerId: Uint8Array;
  /** When known, bitfield sizes and piece indexes from the peer are checked exactly. */
  readonly pieceCount?: number;
  /** What we announce; BEP 10 and BEP 6 are on unless turned off. */
  readonly extensions?: Partial<HandshakeExtensions>;
  readonly handshakeTimeoutMs?: number;
  /** Send a keep-alive after this long without sending anything (default 90 s). */
  readonly keepAliveMs?: number;
  /** Close after this long without receiving anything (default 3 min). */
  readonly idleTimeoutMs?: number;
  /** Where received blocks are copied to; the `piece` listener releases them when done. */
  readonly blocks?: BlockPool;
  /** Every byte read is counted here; reading stops while it is shut (a download speed limit). */
  readonly readGate?: ReadGate;
}

/** A download speed limit as the connection sees it (`BandwidthGate` in ../bandwidth). */
export interface ReadGate {
  /** Counts bytes read; false when the limit is now reached. */
  consume(bytes: number): boolean;
  /** Calls `resume` once bytes may be read again. */
  wait(resume: () => void): void;
  cancel(resume: () => void): void;
}

export interface DialOptions extends PeerConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs?: number;
}

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
  /** The socket's write queue emptied (see `writableLength`). */
  drain: [];
  /** Emitted exactly once. `error` is set when a protocol or network error caused it. */
  close: [reason: string, error: Error | undefined];
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_KEEP_ALIVE_MS = 90_000;
const DEFAULT_IDLE_TIMEOUT_MS = 180_000;
/** As large as libuv's own read size, so a fast peer needs no more reads than before. */
const sharedReadBuffer = new Uint8Array(64 * 1024);

type State = 'connecting' | 'handshaking' | 'open' | 'closed';

/**
 * One peer wire connection over TCP: handshake, framing, message events, send methods, the four
 * choke/interest flags, keep-alive and idle timeout, byte counters and payload rates.
 *
 * Create it with `PeerConnection.dial` (outgoing) or `PeerConnection.accept` (incoming, after
 * `readHandshake` told which torrent the socket is for). Attach listeners right away; events start
 * on a later tick.
 */
export class PeerConnection extends EventEmitter<PeerConnectionEvents> {
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

  #state: State;
  #closeReason: string | undefined;
  readonly #socket: Socket;
  readonly #decoder: MessageDecoder;
  readonly #ours: HandshakeExtensions;
  #readingPaused = false;
  /** Reading stopped until the read gate opens. */
  #throttled = false;
  /** Set while a dialled connection waits for the peer's handshake. */
  #handshakeReader: HandshakeReader | undefined;
  #handshakeTimer: NodeJS.Timeout | undefined;
  #lastReceivedAt = Date.now();
  #lastSentAt = Date.now();
  #timer: NodeJS.Timeout | undefined;

  private constructor(
    socket: Socket,
    state: State,
    private readonly options: PeerConnectionOptions,
  ) {
    super();
    this.#socket = socket;
    this.#state = state;
    this.#ours = {
      extended: options.extensions?.extended ?? true,
      fast: options.extensions?.fast ?? true,
      dht: options.extensions?.dht ?? false,
    };
    this.#decoder = new MessageDecoder((m) => this.#onMessage(m), options.pieceCount, options.blocks);
    socket.setNoDelay(true); // we batch our own writes; Nagle only delays requests
    socket.on('error', (err) => this.close(`network error: ${err.message}`, new ShoalError('network', `Connection to the peer failed: ${err.message}.`)));
    socket.on('close', () =>
      this.close(
        'the peer closed the connection',
        this.#state === 'handshaking' ? new ShoalError('network', 'The peer closed the connection during the handshake.') : undefined,
      ),
    );
    socket.on('drain', () => this.emit('drain'));
  }

  /** Dials a peer, sends our handshake and waits for theirs. Failures arrive as a `close` event. */
  static dial(options: DialOptions): PeerConnection {
    let socket: Socket;
    try {
      // Reads land in one buffer shared by every dialled connection (read callbacks run one at a
      // time), so receiving allocates nothing; the decoder copies out what it keeps.
      socket = connect({ host: options.host, port: options.port, onread: { buffer: sharedReadBuffer, callback: (length) => conn.#onRead(length) } });
    } catch {
      // A tracker or PEX can hand out a port out of range; that is this peer's failure, not ours.
      const failed = new PeerConnection(new Socket(), 'connecting', options);
      const error = new ShoalError('network', `Cannot connect to ${options.host}:${options.port}: not a valid address.`);
      setImmediate(() => failed.close('invalid address', error));
      return failed;
    }
    const conn = new PeerConnection(socket, 'connecting', options);
    const connectTimer = setTimeout(
      () => conn.close('connect timed out', new ShoalError('network', `Could not connect to the peer at ${options.host}:${options.port} in time.`)),
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    );
    socket.once('connect', () => {
      clearTimeout(connectTimer);
      if (conn.#state === 'closed') return;
      conn.#state = 'handshaking';
      conn.#handshakeReader = new HandshakeReader();
      conn.#handshakeTimer = setTimeout(
        () => conn.close('handshake failed', new ShoalError('network', 'The peer did not complete the handshake in time.')),
        options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      );
      conn.#write(encodeHandshake(options.infoHash, options.peerId, conn.#ours));
    });
    socket.once('close', () => clearTimeout(connectTimer));
    return conn;
  }

  /** Answers an incoming connection whose handshake `readHandshake` already read. */
  static accept(socket: Socket, received: ReceivedHandshake, options: PeerConnectionOptions): PeerConnection {
    const conn = new PeerConnection(socket, 'handshaking', options);
    conn.#write(encodeHandshake(options.infoHash, options.peerId, conn.#ours));
    // Let the caller attach listeners before the first event.
    setImmediate(() => conn.#opened(received));
    return conn;
  }

  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.#socket.remotePort;
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  get closed(): boolean {
    return this.#state === 'closed';
  }

  /** Why the connection closed (undefined while it is not closed). */
  get closeReason(): string | undefined {
    return this.#closeReason;
  }

  /** Both sides announced BEP 6. */
  get fastExtension(): boolean {
    return this.#ours.fast && (this.peerHandshake?.fast ?? false);
  }

  /** Both sides announced BEP 10. */
  get extensionProtocol(): boolean {
    return this.#ours.extended && (this.peerHandshake?.extended ?? false);
  }

  /** Bytes handed to the socket but not yet sent. Stop queuing blocks while this is high. */
  get writableLength(): number {
    return this.#socket.writableLength;
  }

  /** Block bytes received and sent. */
  get payloadReceived(): number {
    return this.#down.total;
  }

  get payloadSent(): number {
    return this.#up.total;
  }

  /** Everything that is not block data: handshake, message headers, control messages. */
  get protocolReceived(): number {
    return this.bytesReceived - this.#down.total;
  }

  get protocolSent(): number {
    return this.bytesSent - this.#up.total;
  }

  /** Block bytes per second received, over the last 5 s. */
  downloadRate(nowMs = Date.now()): number {
    return this.#down.rate(nowMs);
  }

  uploadRate(nowMs = Date.now()): number {
    return this.#up.rate(nowMs);
  }

  /** Once the metadata is known (magnet links), check the peer's bitfield and indexes from here on. */
  setPieceCount(pieceCount: number): void {
    this.#decoder.pieceCount = pieceCount;
  }

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

  sendRequest(block: BlockRef): void {
    this.#send({ type: 'request', ...block });
  }

  /** Several requests in one write. */
  sendRequests(blocks: readonly BlockRef[]): void {
    if (blocks.length > 0) this.#write(encodeRequests(blocks));
  }

  sendCancel(block: BlockRef): void {
    this.#send({ type: 'cancel', ...block });
  }

  /** Sends a block without copying it. */
  sendPiece(index: number, begin: number, block: Uint8Array): void {
    if (this.#state !== 'open') return;
    if (block.length > MAX_BLOCK_SIZE) throw new RangeError(`block of ${block.length} bytes is too large`);
    this.#socket.cork();
    this.#write(encodePieceHeader(index, begin, block.length));
    this.#write(block);
    this.#socket.uncork();
    this.#up.add(block.length);
  }

  sendReject(block: BlockRef): void {
    this.#requireFast('reject request');
    this.#send({ type: 'reject', ...block });
  }

  sendSuggest(index: number): void {
    this.#requireFast('suggest piece');
    this.#send({ type: 'suggest', index });
  }

  sendAllowedFast(index: number): void {
    this.#requireFast('allowed fast');
    this.#send({ type: 'allowedFast', index });
  }

  sendPort(port: number): void {
    this.#send({ type: 'port', port });
  }

  sendExtendedHandshake(handshake: ExtendedHandshake): void {
    this.sendExtended(0, encodeExtendedHandshake(handshake));
  }

  /** A BEP 10 message; `id` is the one the peer assigned in its `m` dictionary. */
  sendExtended(id: number, payload: Uint8Array): void {
    if (!this.extensionProtocol) throw new Error('the extension protocol was not negotiated with this peer');
    this.#send({ type: 'extended', id, payload });
  }

  sendKeepAlive(): void {
    this.#send({ type: 'keepAlive' });
  }

  /** Closes the connection once; later calls do nothing. The `close` event carries `reason`. */
  close(reason: string, error?: Error): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#closeReason = reason;
    clearInterval(this.#timer);
    this.options.readGate?.cancel(this.#unthrottle);
    clearTimeout(this.#handshakeTimer);
    this.#decoder.stop();
    this.#socket.destroy();
    this.emit('close', reason, error);
  }

  #opened({ handshake, leftover }: ReceivedHandshake): void {
    if (this.#state === 'closed') return;
    if (!equalBytes(handshake.infoHash, this.options.infoHash)) {
      this.close('wrong info-hash', new ShoalError('protocol', 'The peer answered for a different torrent.'));
      return;
    }
    this.peerHandshake = handshake;
    this.bytesReceived += HANDSHAKE_LENGTH;
    this.#state = 'open';
    this.#lastReceivedAt = Date.now();
    this.#startTimer();
    try {
      this.emit('handshake', handshake);
    } catch (err) {
      this.close('internal error', err instanceof Error ? err : undefined);
      return;
    }
    if (this.#state !== 'open') return;
    // Dialled sockets read through `#onRead` and never emit 'data'.
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    if (leftover.length > 0) this.#onData(leftover);
    if (this.#state === 'open' && !this.#readingPaused && !this.#throttled) this.#socket.resume();
  }

  /**
   * Stops reading from the peer (TCP flow control then slows the sender) until `resumeReading`:
   * how the swarm keeps blocks waiting for the disk bounded.
   */
  pauseReading(): void {
    this.#readingPaused = true;
    this.#socket.pause();
  }

  resumeReading(): void {
    if (!this.#readingPaused) return;
    this.#readingPaused = false;
    if (this.#state === 'open' && !this.#throttled) this.#socket.resume();
  }

  readonly #unthrottle = (): void => {
    this.#throttled = false;
    if (this.#state === 'open' && !this.#readingPaused) this.#socket.resume();
  };

  /** A read of a dialled socket: `length` bytes in the shared buffer, which the next read reuses. */
  #onRead(length: number): boolean {
    const bytes = sharedReadBuffer.subarray(0, length);
    if (this.#handshakeReader === undefined) {
      if (this.#state === 'open') this.#onData(bytes);
      return true;
    }
    let received: ReceivedHandshake | undefined;
    try {
      received = this.#handshakeReader.push(bytes);
    } catch (err) {
      this.close('handshake failed', err instanceof Error ? err : undefined);
      return false;
    }
    if (received === undefined) return true;
    this.#handshakeReader = undefined;
    clearTimeout(this.#handshakeTimer);
    this.#opened(received);
    return true;
  }

  #onData(chunk: Uint8Array): void {
    this.bytesReceived += chunk.length;
    this.#lastReceivedAt = Date.now();
    try {
      this.#decoder.push(chunk);
    } catch (err) {
      // A listener's bug or a peer's bad message: either way this connection cannot go on.
      this.close(isShoalError(err) ? `protocol error: ${err.message}` : 'internal error', err instanceof Error ? err : undefined);
      return;
    }
    const gate = this.options.readGate;
    if (gate && !gate.consume(chunk.length) && this.#state === 'open' && !this.#throttled) {
      // Bytes already read cannot be refused; the limit holds by reading no more until it allows.
      this.#throttled = true;
      this.#socket.pause();
      gate.wait(this.#unthrottle);
    }
  }

  #onMessage(m: WireMessage): void {
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
    }
  }

  #checkFast(what: string): void {
    if (!this.fastExtension) throw new ShoalError('protocol', `The peer sent "${what}" without announcing the fast extension.`);
  }

  /** BEP 3 and BEP 6: bitfield / have all / have none only once, before any have. */
  #requireFast(what: string): void {
    if (!this.fastExtension) throw new Error(`cannot send "${what}": the fast extension was not negotiated`);
  }

  #send(m: WireMessage): void {
    this.#write(encodeMessage(m));
  }

  #write(bytes: Uint8Array): void {
    if (this.#state === 'closed' || this.#state === 'connecting') return;
    this.bytesSent += bytes.length;
    this.#lastSentAt = Date.now();
    this.#socket.write(bytes);
  }

  #startTimer(): void {
    const keepAliveMs = this.options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
    const idleMs = this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    // One coarse timer per connection instead of re-arming timers on every read and write.
    const tick = Math.max(5, Math.min(10_000, Math.min(keepAliveMs, idleMs) / 4));
    this.#timer = setInterval(() => {
      const now = Date.now();
      if (now - this.#lastReceivedAt >= idleMs) {
        this.close('idle timeout', new ShoalError('network', 'The peer sent nothing for too long.'));
      } else if (now - this.#lastSentAt >= keepAliveMs) {
        this.sendKeepAlive();
      }
    }, tick);
    this.#timer.unref();
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
