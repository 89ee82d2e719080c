import { describe, expect, it } from 'vitest';
import { ReplyBuffer, type ReplySocket } from './reply-buffer';

/**
 * A socket that behaves as Node's does when the kernel cannot take a datagram at once: the send
 * is queued with a view of the caller's bytes, which go out later as they are then.
 */
function queueingSocket(): ReplySocket & { readonly queued: Buffer[]; flush(): Buffer[] } {
  const queued: Buffer[] = [];
  return {
    queued,
    send: ((msg: Buffer, offset: number, length: number) => {
      queued.push(msg.subarray(offset, offset + length));
    }) as ReplySocket['send'],
    getSendQueueCount: () => queued.length,
    flush: () => queued.splice(0).map((b) => Buffer.from(b)),
  };
}

/** A socket whose sends complete within the call (the kernel copied the bytes), as on loopback. */
function immediateSocket(): ReplySocket & { readonly sent: Buffer[] } {
  const sent: Buffer[] = [];
  return {
    sent,
    send: ((msg: Buffer, offset: number, length: number) => {
      sent.push(Buffer.from(msg.subarray(offset, offset + length)));
    }) as ReplySocket['send'],
    getSendQueueCount: () => 0,
  };
}

const fill = (replies: ReplyBuffer, byte: number, length: number) => replies.buffer.fill(byte, 0, length);

describe('ReplyBuffer', () => {
  it('reuses one buffer while each send completes within its call', () => {
    const socket = immediateSocket();
    const replies = new ReplyBuffer(64);
    const first = replies.buffer;
    fill(replies, 1, 40);
    replies.send(socket, 40, 1000, '127.0.0.1');
    fill(replies, 2, 10);
    replies.send(socket, 10, 1000, '127.0.0.1');
    expect(replies.buffer).toBe(first);
    expect(socket.sent).toEqual([Buffer.alloc(40, 1), Buffer.alloc(10, 2)]);
  });

  it('never writes a reply over the bytes of a send that is still queued', () => {
    const socket = queueingSocket();
    const replies = new ReplyBuffer(64);
    for (let i = 1; i <= 5; i++) {
      fill(replies, i, 8 * i);
      replies.send(socket, 8 * i, 1000, '127.0.0.1');
    }
    // What goes out when the queue drains is what each reply was when it was sent.
    expect(socket.flush()).toEqual([1, 2, 3, 4, 5].map((i) => Buffer.alloc(8 * i, i)));
  });

  it('drops replies while 1,024 sends are queued, and sends again once the queue drains', () => {
    const socket = queueingSocket();
    const replies = new ReplyBuffer(64);
    for (let i = 0; i < 1100; i++) replies.send(socket, 8, 1000, '127.0.0.1');
    expect(socket.queued).toHaveLength(1024);
    socket.flush();
    fill(replies, 7, 8);
    replies.send(socket, 8, 1000, '127.0.0.1');
    expect(socket.flush()).toEqual([Buffer.alloc(8, 7)]);
  });
});
