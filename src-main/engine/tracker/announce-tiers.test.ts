import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { Announcer } from './announcer';

// A dead UDP tracker in the first tier holds its announce for minutes (BEP 15 retries wait
// 15 + 30 + 60 + 120 s); the tiers after it must be asked within seconds all the same.

const sockets: Socket[] = [];
let announcer: Announcer | undefined;
afterEach(async () => {
  await announcer?.stop({ quietly: true });
  announcer = undefined;
  for (const s of sockets.splice(0)) await new Promise((r) => s.close(() => r(undefined)));
});

/** A UDP tracker on loopback; `respond` gets each datagram and returns the reply, or nothing. */
async function udpTracker(respond: (packet: Buffer) => Buffer | undefined): Promise<string> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  socket.on('message', (packet: Buffer, from: RemoteInfo) => {
    const reply = respond(packet);
    if (reply) socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return `udp://127.0.0.1:${socket.address().port}/announce`;
}

/** An honest BEP 15 reply to `packet`, with `transaction` (the request's unless told otherwise). */
function reply(packet: Buffer, transaction = packet.readUInt32BE(12)): Buffer {
  const action = packet.readUInt32BE(8);
  const b = Buffer.alloc(action === 0 ? 16 : 26);
  b.writeUInt32BE(action, 0);
  b.writeUInt32BE(transaction, 4);
  if (action === 0) b.write('conn-id!', 8, 'latin1');
  else {
    b.writeUInt32BE(1800, 8);
    Buffer.from([10, 0, 0, 7, 0x1a, 0xe1]).copy(b, 20);
  }
  return b;
}

describe.each([
  ['silent', (): Buffer | undefined => undefined],
  ['answering with wrong transaction ids', (packet: Buffer) => reply(packet, packet.readUInt32BE(12) ^ 1)],
])('a %s UDP tracker in the first tier', (_kind, dead) => {
  it('does not keep the second tier from being asked within 10 s', async () => {
    const asked: number[] = [];
    const first = await udpTracker(dead);
    const second = await udpTracker((packet) => {
      if (packet.readUInt32BE(8) === 1) asked.push(Date.now());
      return reply(packet);
    });
    const peers: string[] = [];
    const start = Date.now();
    announcer = new Announcer({
      tiers: [[first], [second]],
      infoHash: Buffer.alloc(20, 1),
      peerId: Buffer.alloc(20, 2),
      port: 6881,
      stats: () => ({ uploaded: 0, downloaded: 0, left: 100 }),
      onPeers: (p) => peers.push(...p.map((x) => `${x.host}:${x.port}`)),
    });
    announcer.start();
    while (peers.length === 0 && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(peers).toEqual(['10.0.0.7:6881']);
    expect(asked[0]! - start).toBeLessThan(10_000);
    const byUrl = Object.fromEntries(announcer.statuses().map((s) => [s.url, s.state]));
    expect(byUrl[second]).toBe('working');
  }, 20_000);
});
