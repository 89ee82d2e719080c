import { asShoalError, ShoalError } from '../../../src-shared/errors';
import type { StreamCiphers } from '../mse/mse-keys';
import type { PeerSocket } from './peer-socket';
import { checkHandshakePrefix, HANDSHAKE_LENGTH, parseHandshake, type Handshake } from './handshake';

export interface ReceivedHandshake {
  readonly handshake: Handshake;
  /** Bytes that followed the handshake in the same reads (often the peer's bitfield), decrypted. */
  readonly leftover: Uint8Array;
  /** Present when the peer came through an MSE handshake: its RC4 ciphers, or none for plaintext after it. */
  readonly mse?: { readonly ciphers: StreamCiphers | undefined };
}

/** Turns a peer's first reads into its handshake (plain, or after an encrypted handshake). */
export interface IncomingReader {
  push(chunk: Uint8Array): ReceivedHandshake | undefined;
}

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 20_000;

/**
 * Collects a peer's 68-byte handshake from whatever reads it arrives in, checking each byte as it
 * comes. Throws a `ShoalError('protocol')` on a malformed handshake.
 */
export class HandshakeReader implements IncomingReader {
  readonly #buf = new Uint8Array(HANDSHAKE_LENGTH);
  #filled = 0;

  /**
   * Feeds received bytes; returns the handshake once complete, with a view of the bytes of
   * `chunk` that followed it (valid as long as `chunk` is).
   */
  push(chunk: Uint8Array): ReceivedHandshake | undefined {
    const take = Math.min(chunk.length, HANDSHAKE_LENGTH - this.#filled);
    this.#buf.set(chunk.subarray(0, take), this.#filled);
    this.#filled += take;
    checkHandshakePrefix(this.#buf.subarray(0, this.#filled));
    if (this.#filled < HANDSHAKE_LENGTH) return undefined;
    return { handshake: parseHandshake(this.#buf), leftover: chunk.subarray(take) };
  }
}

/**
 * Reads a peer's 68-byte handshake from `socket` and leaves the socket paused with no listeners of
 * ours, ready to be handed to a `PeerConnection`. On a bad handshake, a timeout or a closed socket
 * it rejects with a `ShoalError` and destroys the socket.
 *
 * Incoming connections use it to learn the info-hash (which picks the torrent) before answering;
 * the listener's `reader` also takes encrypted (MSE) handshakes.
 */
export function readHandshake(socket: PeerSocket, timeoutMs = DEFAULT_HANDSHAKE_TIMEOUT_MS, reader: IncomingReader = new HandshakeReader()): Promise<ReceivedHandshake> {
  return new Promise((resolve, reject) => {
    const finish = (err: ShoalError | undefined, result?: ReceivedHandshake): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onClosed);
      socket.off('close', onClosed);
      socket.off('end', onClosed);
      if (err) {
        socket.destroy();
        reject(err);
      } else {
        socket.pause();
        resolve(result!);
      }
    };
    const onData = (chunk: Buffer): void => {
      try {
        const received = reader.push(chunk);
        if (received) finish(undefined, received);
      } catch (err) {
        finish(asShoalError(err, 'protocol', () => 'The peer sent a malformed handshake.'));
      }
    };
    const onClosed = (): void => finish(new ShoalError('network', 'The peer closed the connection during the handshake.'));
    const timer = setTimeout(
      () => finish(new ShoalError('network', 'The peer did not complete the handshake in time.')),
      timeoutMs,
    );
    if (socket.destroyed) {
      reject(new ShoalError('network', 'The peer closed the connection during the handshake.'));
      return;
    }
    socket.on('data', onData);
    socket.on('error', onClosed);
    socket.on('close', onClosed);
    socket.on('end', onClosed);
    socket.resume();
  });
}
