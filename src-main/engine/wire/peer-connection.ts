import { connect, Socket } from 'node:net';
import type { EncryptionMode, PeerEncryption } from '../../../src-shared/contract';
import { isShoalError, ShoalError } from '../../../src-shared/errors';
import { MseInitiator } from '../mse/initiator';
import type { StreamCiphers } from '../mse/mse-keys';
import type { PeerAddress } from '../net/peer-address';
import { UtpSocket } from '../utp/utp-socket';
import type { BlockPool } from './block-pool';
import { encodeHandshake, HANDSHAKE_LENGTH, type HandshakeExtensions } from './handshake';
import { MessageDecoder } from './message-decoder';
import type { PeerSocket } from './peer-socket';
import { PeerWire, type ConnectionState } from './peer-wire';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, HandshakeReader, type ReceivedHandshake } from './read-handshake';

export interface PeerConnectionOptions {
  /** The torrent this connection is for: what we dial with. */
  readonly infoHash: Uint8Array;
  /**
   * A v2 or hybrid torrent's SHA-256 info-hash cut to 20 bytes (BEP 52), the same as `infoHash`
   * for a v2-only torrent. A peer naming it makes the connection a v2 one (`protocolV2`); a
   * hybrid's dial names the v1 hash with the v2 bit set, and the peer may answer with this one.
   */
  readonly infoHashV2?: Uint8Array;
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
  /**
   * 'off' (the default here): a plain handshake. 'prefer': MSE offering RC4 or plaintext after it
   * (a Shoal or libtorrent receiver that allows both picks plaintext); 'require': MSE with RC4 only.
   * Our handshake goes inside MSE's initial payload.
   */
  readonly encryption?: EncryptionMode;
  /** Dial over uTP through this (the session's uTP sockets); absent: TCP. */
  readonly utp?: UtpDialer;
}

/** Where uTP connections come from (`UtpManager`). */
export interface UtpDialer {
  connect(to: PeerAddress): UtpSocket;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_KEEP_ALIVE_MS = 90_000;
const DEFAULT_IDLE_TIMEOUT_MS = 180_000;
/** As large as libuv's own read size, so a fast peer needs no more reads than before. */
const sharedReadBuffer = new Uint8Array(64 * 1024);

/**
 * One peer wire connection over TCP: dialling or accepting, the handshake, reading and framing
 * (paused for the disk or a speed limit), keep-alive and idle timeout, and closing. The messages
 * themselves, both ways, are `PeerWire`'s.
 *
 * Create it with `PeerConnection.dial` (outgoing) or `PeerConnection.accept` (incoming, after
 * `readHandshake` told which torrent the socket is for). Attach listeners right away; events start
 * on a later tick.
 */
export class PeerConnection extends PeerWire {
  readonly #options: PeerConnectionOptions;
  readonly #decoder: MessageDecoder;
  #readingPaused = false;
  /** Reading stopped until the read gate opens. */
  #throttled = false;
  /** Set while a dialled connection waits for the peer's handshake. */
  #handshakeReader: HandshakeReader | undefined;
  #handshakeTimer: NodeJS.Timeout | undefined;
  #lastReceivedAt = Date.now();
  #timer: NodeJS.Timeout | undefined;
  /** Set while a dialled connection is in its MSE handshake. */
  #mse: MseInitiator | undefined;
  #failedInMse = false;
  #encryption: PeerEncryption = 'none';
  /** RC4 both ways once an MSE handshake selected it: reads are decrypted in place, writes on their way out. */
  #ciphers: StreamCiphers | undefined;
  #protocolV2 = false;
  /** We dialled it: its reads go through `#onRead` from the start, not the `data` listener `#opened` adds. */
  readonly #dialled: boolean;
  #neverConnected = false;
  /** Not one byte came from the peer. */
  #silent = true;

  private constructor(socket: PeerSocket, state: ConnectionState, options: PeerConnectionOptions) {
    super(socket, state, options.extensions);
    this.#dialled = state === 'connecting';
    this.#options = options;
    this.#decoder = new MessageDecoder((m) => this.receive(m), options.pieceCount, options.blocks);
    socket.setNoDelay(true); // we batch our own writes; Nagle only delays requests
    socket.on('error', (err) => this.close(`network error: ${err.message}`, new ShoalError('network', `Connection to the peer failed: ${err.message}.`)));
    socket.on('close', () =>
      this.close(
        'the peer closed the connection',
        this.state === 'handshaking' ? new ShoalError('network', 'The peer closed the connection during the handshake.') : undefined,
      ),
    );
    socket.on('drain', () => this.emit('drain'));
  }

  /** Dials a peer, sends our handshake and waits for theirs. Failures arrive as a `close` event. */
  static dial(options: DialOptions): PeerConnection {
    let socket: PeerSocket;
    if (options.utp) {
      socket = options.utp.connect({ host: options.host, port: options.port });
      const conn = new PeerConnection(socket, 'connecting', options);
      socket.on('data', (chunk: Buffer) => conn.#onRead(chunk));
      return PeerConnection.#connecting(conn, socket, options);
    }
    try {
      // Reads land in one buffer shared by every dialled connection (read callbacks run one at a
      // time), so receiving allocates nothing; the decoder copies out what it keeps.
      socket = connect({ host: options.host, port: options.port, onread: { buffer: sharedReadBuffer, callback: (length) => conn.#onRead(sharedReadBuffer.subarray(0, length)) } });
    } catch {
      // A tracker or PEX can hand out a port out of range; that is this peer's failure, not ours.
      const failed = new PeerConnection(new Socket(), 'connecting', options);
      const error = new ShoalError('network', `Cannot connect to ${options.host}:${options.port}: not a valid address.`);
      setImmediate(() => failed.close('invalid address', error));
      return failed;
    }
    const conn = new PeerConnection(socket, 'connecting', options);
    return PeerConnection.#connecting(conn, socket, options);
  }

  static #connecting(conn: PeerConnection, socket: PeerSocket, options: DialOptions): PeerConnection {
    const connectTimer = setTimeout(
      () => conn.close('connect timed out', new ShoalError('network', `Could not connect to the peer at ${options.host}:${options.port} in time.`)),
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    );
    socket.once('connect', () => {
      clearTimeout(connectTimer);
      if (conn.state === 'closed') return;
      conn.state = 'handshaking';
      conn.#handshakeReader = new HandshakeReader();
      conn.#handshakeTimer = setTimeout(
        () => conn.close('handshake failed', new ShoalError('network', 'The peer did not complete the handshake in time.')),
        options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      );
      const handshake = encodeHandshake(options.infoHash, options.peerId, conn.ours);
      const encryption = options.encryption ?? 'off';
      if (encryption === 'off') {
        conn.write(handshake);
        return;
      }
      conn.#mse = new MseInitiator(options.infoHash, { rc4: true, plaintext: encryption === 'prefer' }, handshake);
      conn.write(conn.#mse.start());
    });
    socket.once('close', () => clearTimeout(connectTimer));
    return conn;
  }

  /** Answers an incoming connection whose handshake `readHandshake` already read. */
  static accept(socket: PeerSocket, received: ReceivedHandshake, options: PeerConnectionOptions): PeerConnection {
    const conn = new PeerConnection(socket, 'handshaking', options);
    if (received.mse) {
      conn.#ciphers = received.mse.ciphers;
      conn.#encryption = conn.#ciphers ? 'rc4' : 'handshake';
    }
    // A hybrid's v1 hash with the v2 bit is answered with the v2 hash: the dialler then speaks v2 (BEP 52).
    const { infoHashV2 } = options;
    const v2 = infoHashV2 !== undefined && (equalBytes(received.handshake.infoHash, infoHashV2) || received.handshake.v2);
    conn.#protocolV2 = v2;
    conn.write(encodeHandshake(v2 ? infoHashV2 : options.infoHash, options.peerId, conn.ours));
    // Let the caller attach listeners before the first event.
    setImmediate(() => conn.#opened(received));
    return conn;
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  /** The connection names the torrent by its v2 info-hash (BEP 52): the peer speaks v2, hash messages included. */
  get protocolV2(): boolean {
    return this.#protocolV2;
  }

  /** Whether MSE protects this connection: RC4 throughout, the handshake only, or not at all. */
  get encryption(): PeerEncryption {
    return this.#encryption;
  }

  /**
   * A dialled connection that ended during its encrypted handshake: the peer may speak only
   * plaintext, so a 'prefer' dial tries it again in the clear.
   */
  get failedInEncryptedHandshake(): boolean {
    return this.#failedInMse;
  }

  /** Over uTP (BEP 29) rather than TCP. */
  get utp(): boolean {
    return this.socket instanceof UtpSocket;
  }

  /** A dial that ended before the transport connected (nothing answered, or it refused). */
  get neverConnected(): boolean {
    return this.#neverConnected;
  }

  /** The peer never sent a byte (a dial that was refused, or closed on us at once). */
  get silent(): boolean {
    return this.#silent;
  }

  /** Closes the connection once; later calls do nothing. The `close` event carries `reason`. */
  close(reason: string, error?: Error): void {
    if (this.state === 'closed') return;
    this.#neverConnected = this.state === 'connecting';
    this.state = 'closed';
    this.#failedInMse = this.#mse !== undefined;
    this.#mse = undefined;
    clearInterval(this.#timer);
    this.#options.readGate?.cancel(this.#unthrottle);
    clearTimeout(this.#handshakeTimer);
    this.#decoder.stop();
    this.socket.destroy();
    this.emit('close', reason, error);
  }

  #opened({ handshake, leftover }: ReceivedHandshake): void {
    if (this.state === 'closed') return;
    const { infoHash, infoHashV2 } = this.#options;
    // Either hash names this torrent; an accepted connection's kind was settled by our answer.
    const namesV2 = infoHashV2 !== undefined && equalBytes(handshake.infoHash, infoHashV2);
    if (this.#dialled) this.#protocolV2 = namesV2;
    if (!namesV2 && !equalBytes(handshake.infoHash, infoHash)) {
      this.close('wrong info-hash', new ShoalError('protocol', 'The peer answered for a different torrent.'));
      return;
    }
    this.peerHandshake = handshake;
    this.bytesReceived += HANDSHAKE_LENGTH;
    this.state = 'open';
    this.#lastReceivedAt = Date.now();
    this.#startTimer();
    try {
      this.emit('handshake', handshake);
    } catch (err) {
      this.close('internal error', err instanceof Error ? err : undefined);
      return;
    }
    if (this.state !== 'open') return;
    if (!this.#dialled) this.socket.on('data', (chunk: Buffer) => this.#onData(this.#ciphers ? this.#ciphers.incoming.update(chunk) : chunk));
    if (leftover.length > 0) this.#onData(leftover);
    if (this.state === 'open' && !this.#readingPaused && !this.#throttled) this.socket.resume();
  }

  /**
   * Stops reading from the peer (TCP flow control then slows the sender) until `resumeReading`:
   * how the swarm keeps blocks waiting for the disk bounded.
   */
  pauseReading(): void {
    this.#readingPaused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.#readingPaused) return;
    this.#readingPaused = false;
    if (this.state === 'open' && !this.#throttled) this.socket.resume();
  }

  readonly #unthrottle = (): void => {
    this.#throttled = false;
    if (this.state === 'open' && !this.#readingPaused) this.socket.resume();
  };

  /** A read of a dialled socket (over TCP, in the shared buffer the next read reuses). */
  #onRead(read: Uint8Array): boolean {
    let bytes = read;
    this.#silent = false;
    this.#ciphers?.incoming.update(bytes);
    if (this.#handshakeReader === undefined) {
      if (this.state === 'open') this.#onData(bytes);
      return true;
    }
    let received: ReceivedHandshake | undefined;
    try {
      if (this.#mse) {
        const step = this.#mse.push(bytes);
        if (step.send) this.write(step.send);
        if (!step.done) return true;
        this.#mse = undefined;
        this.#ciphers = step.done.ciphers;
        this.#encryption = this.#ciphers ? 'rc4' : 'handshake';
        bytes = step.done.payload;
      }
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

  /** Everything we send passes here; with RC4 it is encrypted into a new buffer (the block may be the cache's). */
  protected override write(bytes: Uint8Array, written?: () => void): void {
    const cipher = this.#ciphers?.outgoing;
    super.write(cipher && this.state !== 'closed' ? cipher.update(bytes, Buffer.allocUnsafe(bytes.length)) : bytes, written);
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
    const gate = this.#options.readGate;
    if (gate && !gate.consume(chunk.length) && this.state === 'open' && !this.#throttled) {
      // Bytes already read cannot be refused; the limit holds by reading no more until it allows.
      this.#throttled = true;
      this.socket.pause();
      gate.wait(this.#unthrottle);
    }
  }

  #startTimer(): void {
    const keepAliveMs = this.#options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
    const idleMs = this.#options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    // One coarse timer per connection instead of re-arming timers on every read and write.
    const tick = Math.max(5, Math.min(10_000, Math.min(keepAliveMs, idleMs) / 4));
    this.#timer = setInterval(() => {
      const now = Date.now();
      if (now - this.#lastReceivedAt >= idleMs) {
        this.close('idle timeout', new ShoalError('network', 'The peer sent nothing for too long.'));
      } else if (now - this.lastSentAt >= keepAliveMs) {
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
