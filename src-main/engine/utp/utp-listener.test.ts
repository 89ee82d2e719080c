import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerListener } from '../listener';
import { PeerUdpSocket } from '../net/peer-udp-socket';
import type { IncomingEncryption } from '../wire/incoming-reader';
import { HEADER_SIZE, stampPacket, ST_DATA, ST_SYN, writeHeader } from './packet';
import { UtpManager } from './utp-manager';

// Incoming uTP goes through the listener's handshake reading, as TCP does: its per-address and
// total caps and its handshake timeout bound what SYNs that never send a handshake can hold.

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const plainAllowed: IncomingEncryption = { mode: () => 'prefer', lookup: () => undefined };

function packet(type: number, connectionId: number, seq: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const bytes = Buffer.alloc(HEADER_SIZE + payload.length);
  writeHeader(bytes, { type: type as 0, connectionId, window: 1 << 20, seq, ack: 0 });
  stampPacket(bytes, 1, 0, 1 << 20, 0);
  bytes.set(payload, HEADER_SIZE);
  return bytes;
}

describe('incoming uTP through the peer listener', () => {
  it('holds at most four silent handshakes from one address, and lets each go at the handshake timeout', async () => {
    const listener = await PeerListener.listen(0, '127.0.0.1', () => true, plainAllowed);
    const udp = await PeerUdpSocket.bind(0, '127.0.0.1');
    const manager = new UtpManager({ send: (bytes, to) => udp.send(bytes, to), accept: (socket) => listener.accept(socket) });
    udp.on('utp', (bytes, from) => manager.receive(bytes, from));
    closers.push(() => listener.close(), () => udp.close(), () => manager.close());
    const attacker = createSocket('udp4');
    await new Promise<void>((r) => attacker.bind(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise<void>((r) => attacker.close(() => r())));
    for (let id = 0; id < 40; id += 2) attacker.send(packet(ST_SYN, id, 1), udp.port, '127.0.0.1');
    // Garbage where a handshake should be ends that connection at once.
    attacker.send(packet(ST_DATA, 1, 2, Buffer.from('not a handshake')), udp.port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 300));
    expect(manager.size).toBeLessThanOrEqual(4);
    await new Promise((r) => setTimeout(r, 5500));
    expect(manager.size).toBe(0);
  }, 15_000);
});
