import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerAddress } from '../net/peer-address';
import { UtpManager } from './utp-manager';
import type { UtpSocket } from './utp-socket';

interface Lossy {
  loss?: number;
  delayMs?: number;
  /** Extra random delay, which reorders. */
  jitterMs?: number;
}

/** Two managers joined by an in-memory network that may drop, delay and reorder datagrams. */
function pair(net: Lossy = {}) {
  const a: PeerAddress = { host: '10.0.0.1', port: 1000 };
  const b: PeerAddress = { host: '10.0.0.2', port: 2000 };
  const accepted: UtpSocket[] = [];
  const deliver = (to: UtpManager, bytes: Uint8Array, from: PeerAddress) => {
    if (net.loss && Math.random() < net.loss) return;
    const copy = Buffer.from(bytes); // the sender may restamp its buffer on a resend
    const delay = (net.delayMs ?? 0) + Math.random() * (net.jitterMs ?? 0);
    if (delay === 0) setImmediate(() => to.receive(copy, from));
    else setTimeout(() => to.receive(copy, from), delay);
  };
  const ma: UtpManager = new UtpManager({ send: (bytes) => deliver(mb, bytes, a), accept: () => undefined });
  const mb: UtpManager = new UtpManager({ send: (bytes) => deliver(ma, bytes, b), accept: (s) => accepted.push(s) });
  managers.push(ma, mb);
  return { ma, mb, a, b, accepted };
}

const managers: UtpManager[] = [];
afterEach(() => {
  for (const m of managers.splice(0)) m.close();
});

function collect(socket: UtpSocket, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      chunks.push(Buffer.from(chunk));
      got += chunk.length;
      if (got >= length) resolve(Buffer.concat(chunks));
    });
    socket.on('error', reject);
  });
}

async function connected(net: Lossy = {}) {
  const p = pair(net);
  const client = p.ma.connect(p.b);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  expect(p.accepted).toHaveLength(1);
  return { ...p, client, server: p.accepted[0]! };
}

describe('UtpSocket', () => {
  it('connects and carries bytes both ways, in order and whole', async () => {
    const { client, server } = await connected();
    const up = randomBytes(3 * 1024 * 1024 + 17);
    const down = randomBytes(1024 * 1024 + 5);
    const atServer = collect(server, up.length);
    const atClient = collect(client, down.length);
    client.write(up);
    server.write(down);
    expect((await atServer).equals(up)).toBe(true);
    expect((await atClient).equals(down)).toBe(true);
    expect(server.remoteAddress).toBe('10.0.0.1');
    expect(server.remotePort).toBe(1000);
  });

  it('recovers from loss, reordering and delay (selective ACKs, fast retransmit, timeouts)', async () => {
    const { client, server } = await connected({ loss: 0.05, delayMs: 5, jitterMs: 6 });
    const up = randomBytes(1024 * 1024);
    const atServer = collect(server, up.length);
    client.write(up);
    expect((await atServer).equals(up)).toBe(true);
  }, 30_000);

  it('a reader that stops closes the window; the rest arrives once it reads again', async () => {
    const { client, server } = await connected();
    server.pause();
    const up = randomBytes(3 * 1024 * 1024);
    client.write(up);
    await new Promise((r) => setTimeout(r, 300));
    // At most our receive buffer (1 MiB) waits unread: the sender held the rest.
    expect(server.readableLength).toBeLessThanOrEqual(1024 * 1024);
    expect(server.readableLength).toBeGreaterThan(512 * 1024);
    const all = collect(server, up.length);
    server.resume();
    expect((await all).equals(up)).toBe(true);
  });

  it('ending one side ends the other, and both close (FIN both ways)', async () => {
    const { ma, mb, client, server } = await connected();
    const ended = new Promise<void>((resolve) => server.once('end', resolve));
    server.resume();
    const closed = Promise.all([new Promise((r) => client.once('close', r)), new Promise((r) => server.once('close', r))]);
    client.end(Buffer.from('bye'));
    await ended;
    await closed;
    expect(ma.size).toBe(0);
    expect(mb.size).toBe(0);
  });

  it('destroying one side resets the other (as TCP sends RST), so it lets go at once', async () => {
    const { client, server, mb } = await connected();
    server.resume();
    const error = new Promise<Error>((r) => server.once('error', r));
    const closed = new Promise((r) => server.once('close', r));
    client.destroy();
    expect((await error).message).toMatch(/reset the uTP connection/);
    await closed;
    expect(mb.size).toBe(0);
  });

  it('a dial nobody answers fails within a few seconds', async () => {
    const m = new UtpManager({ send: () => undefined, accept: () => undefined });
    managers.push(m);
    const socket = m.connect({ host: '10.9.9.9', port: 9 });
    const started = Date.now();
    const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
    expect(error.message).toMatch(/did not answer/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(m.size).toBe(0);
  }, 10_000);
});
