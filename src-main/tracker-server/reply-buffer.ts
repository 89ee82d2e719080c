import type { Socket } from 'node:dgram';

/** What a reply needs of a dgram socket. */
export type ReplySocket = Pick<Socket, 'send' | 'getSendQueueCount'>;

/**
 * One buffer that UDP replies are built in and sent from, reused from reply to reply, so a
 * datagram costs no buffer (and no pooled ArrayBuffer every few dozen replies) of its own.
 *
 * Reuse is safe because Node tries each send at once (`uv_udp_try_send`), and the kernel copies
 * the datagram before that call returns. Only when the kernel cannot take it (socket buffer
 * full, or earlier sends still queued) does libuv queue the send, keeping a pointer to these
 * bytes until it goes out; the socket's send queue count says so, and the buffer is then left to
 * that send and replies go on in a new one.
 */
export class ReplyBuffer {
  readonly #capacity: number;
  #buffer: Buffer;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#buffer = Buffer.allocUnsafe(capacity);
  }

  /** Where to build the next reply; valid until the next `send`. */
  get buffer(): Buffer {
    return this.#buffer;
  }

  /** Sends the first `length` bytes of `buffer` to `port` at `address`. */
  send(socket: ReplySocket, length: number, port: number, address: string): void {
    socket.send(this.#buffer, 0, length, port, address);
    if (socket.getSendQueueCount() > 0) this.#buffer = Buffer.allocUnsafe(this.#capacity);
  }
}
