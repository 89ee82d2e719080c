import type { Socket } from 'node:net';
import { isShoalError, ShoalError } from '../../../src-shared/errors';
import { checkHandshakePrefix, HANDSHAKE_LENGTH, parseHandshake, type Handshake } from './handshake';

export interface ReceivedHandshake {
  readonly handshake: Handshake;
  /** Bytes that followed the handshake in the same reads (often the peer's bitfield). */
  readonly leftover: Uint8Array;
}

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 20_000;

/**
 * Reads a peer's 68-byte handshake from `socket` and leaves the socket paused with no listeners of
 * ours, ready to be handed to a `PeerConnection`. On a bad handshake, a timeout or a closed socket
 * it rejects with a `ShoalError` and destroys the socket.
 *
 * Incoming connections use it to learn the info-hash (which picks the torrent) before answering.
 */
export function readHandshake(socket: Socket, timeoutMs = DEFAULT_HANDSHAKE_TIMEOUT_MS): Promise<ReceivedHandshake> {
  return new Promise((resolve, reject) => {
    const buf = new Uint8Array(HANDSHAKE_LENGTH);
    let filled = 0;
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
      const take = Math.min(chunk.length, HANDSHAKE_LENGTH - filled);
      buf.set(chunk.subarray(0, take), filled);
      filled += take;
      try {
        checkHandshakePrefix(buf.subarray(0, filled));
        if (filled < HANDSHAKE_LENGTH) return;
        finish(undefined, { handshake: parseHandshake(buf), leftover: chunk.subarray(take) });
      } catch (err) {
        finish(isShoalError(err) ? err : new ShoalError('protocol', 'The peer sent a malformed handshake.'));
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
