// Test support: a BEP 15 tracker on loopback whose every answer the test decides.
import { createSocket, type RemoteInfo } from 'node:dgram';

export interface FakeUdpTracker {
  /** `udp://127.0.0.1:port/announce` */
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on a free port; `respond` gets each datagram and returns the reply, or nothing. */
export async function startFakeUdpTracker(respond: (packet: Buffer) => Buffer | undefined): Promise<FakeUdpTracker> {
  const socket = createSocket('udp4');
  socket.on('message', (packet: Buffer, from: RemoteInfo) => {
    const reply = respond(packet);
    if (reply) socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return {
    url: `udp://127.0.0.1:${socket.address().port}/announce`,
    close: () => new Promise((r) => socket.close(() => r())),
  };
}

/**
 * An honest reply to a connect or announce request: the announce one with `interval`, one
 * leecher and `peers` (compact, 6 bytes each). `transaction` defaults to the request's.
 */
export function udpTrackerReply(packet: Buffer, o: { interval: number; peers?: Uint8Array; transaction?: number }): Buffer {
  const action = packet.readUInt32BE(8);
  const peers = o.peers ?? new Uint8Array(0);
  const b = Buffer.alloc(action === 0 ? 16 : 20 + peers.length);
  b.writeUInt32BE(action, 0);
  b.writeUInt32BE(o.transaction ?? packet.readUInt32BE(12), 4);
  if (action === 0) b.write('conn-id!', 8, 'latin1');
  else {
    b.writeUInt32BE(o.interval, 8);
    b.writeUInt32BE(1, 12);
    b.set(peers, 20);
  }
  return b;
}
