import type { Socket } from 'node:dgram';

/**
 * Replies waiting in the socket's send queue at most (each holds its own buffer of about 1 KiB):
 * past this, replies are dropped, as a full network would, instead of queueing without bound.
 */
const MAX_QUEUED_REPLIES = 1024;

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
  /** The socket's send queue count after the last send. */
  #queued = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#buffer = Buffer.allocUnsafe(capacity);
  }

  /** Where to build the next reply; valid until the next `send`. */
  get buffer(): Buffer {
    return this.#buffer;
  }

  /** Sends the first `length` bytes of `buffer` to `port` at `address`, unless the send queue is full. */
  send(socket: ReplySocket, length: number, port: number, address: string): void {
    if (this.#queued >= MAX_QUEUED_REPLIES && (this.#queued = socket.getSendQueueCount()) >= MAX_QUEUED_REPLIES) return;
    socket.send(this.#buffer, 0, length, port, address);
    this.#queued = socket.getSendQueueCount();
    if (this.#queued > 0) this.#buffer = Buffer.allocUnsafe(this.#capacity);
  }
}
