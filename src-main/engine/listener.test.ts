import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerListener } from './listener';
import type { IncomingEncryption } from './wire/incoming-reader';
import { encodeHandshake } from './wire/handshake';

// 80 connections that each send a valid handshake one byte a second used to fill every pending
// slot for 20 s, so no honest peer got in. Here the drippers come from 127.0.0.2, or from 80
// addresses of their own, and the honest peers from 127.0.0.1 (all of 127/8 is loopback on Linux).

let listener: PeerListener | undefined;
const sockets: Socket[] = [];
const timers: NodeJS.Timeout[] = [];
afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
  for (const s of sockets.splice(0)) s.destroy();
  await listener?.close();
  listener = undefined;
});

const infoHash = Buffer.alloc(20, 7);
const plainAllowed: IncomingEncryption = { mode: () => 'prefer', lookup: () => undefined };
const handshake = (id: number) => encodeHandshake(infoHash, Buffer.alloc(20, id));

function open(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(socket));
    socket.on('error', reject);
    sockets.push(socket);
  });
}

/** Connects as an honest peer: sends its handshake at once, resolves when the listener answers. */
async function honest(port: number, id: number): Promise<string> {
  const socket = await open(port, '127.0.0.1');
  socket.on('error', () => undefined);
  return new Promise((resolve) => {
    socket.on('data', (data) => resolve(data.toString()));
    socket.on('close', () => resolve('closed'));
    socket.write(handshake(id));
  });
}

describe('PeerListener', () => {
  it.each([
    ['one address', () => '127.0.0.2'],
    ['80 addresses', (i: number) => `127.0.1.${i + 1}`],
  ])('answers honest handshakes while 80 connections from %s drip theirs a byte a second', async (_from, dripFrom) => {
    listener = await PeerListener.listen(0, '127.0.0.1', (_hash, socket) => {
      socket.end('welcome');
      return true;
    }, plainAllowed);
    const port = listener.port;
    const drippers = await Promise.all(Array.from({ length: 80 }, (_, i) => open(port, dripFrom(i))));
    const sent = drippers.map(() => 0);
    const drip = () =>
      drippers.forEach((s, i) => {
        if (!s.destroyed && sent[i]! < 67) s.write(handshake(100).subarray(sent[i]!, ++sent[i]!));
      });
    drip();
    timers.push(setInterval(drip, 1000));
    await new Promise((r) => setTimeout(r, 1500));
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => honest(port, i + 1)));
    expect(answers).toEqual(Array(5).fill('welcome'));
    expect(Date.now() - started).toBeLessThan(4000); // well inside the 5 s a dripper is given
  }, 15_000);

  it('drops a connection whose 68 handshake bytes have not all come within 5 s', async () => {
    listener = await PeerListener.listen(0, '127.0.0.1', () => true, plainAllowed);
    const socket = await open(listener.port, '127.0.0.1');
    socket.write(handshake(1).subarray(0, 20));
    const started = Date.now();
    await new Promise((resolve) => socket.on('close', resolve));
    expect(Date.now() - started).toBeGreaterThan(4000);
    expect(Date.now() - started).toBeLessThan(7000);
  }, 15_000);
});
