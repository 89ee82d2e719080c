import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerUdpSocket } from '../net/peer-udp-socket';
import type { PeerAddress } from '../net/peer-address';
import { decodePacket, emptyPacket, HEADER_SIZE, stampPacket, ST_DATA, ST_RESET, ST_STATE, ST_SYN, writeHeader } from './packet';
import { UtpManager } from './utp-manager';
import { RECEIVE_BUFFER, type UtpSocket } from './utp-socket';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A manager on a real UDP socket on loopback, as the session runs one. */
async function node(options: { synsPerSecond?: number; maxConnections?: number } = {}) {
  const udp = await PeerUdpSocket.bind(0, '127.0.0.1');
  const accepted: UtpSocket[] = [];
  const manager = new UtpManager({ send: (bytes, to) => udp.send(bytes, to), accept: (s) => accepted.push(s), ...options });
  udp.on('utp', (bytes, from) => manager.receive(bytes, from));
  closers.push(() => udp.close(), () => manager.close());
  return { manager, accepted, address: { host: '127.0.0.1', port: udp.port } as PeerAddress };
}

async function rawSocket(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise<void>((r) => s.close(() => r())));
  return s;
}

function raw(type: number, connectionId: number, seq: number, ack: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const bytes = Buffer.alloc(HEADER_SIZE + payload.length);
  writeHeader(bytes, { type: type as 0, connectionId, window: 1 << 20, seq, ack });
  stampPacket(bytes, 1, 0, 1 << 20, ack);
  bytes.set(payload, HEADER_SIZE);
  return bytes;
}

async function transfer(from: UtpSocket, to: UtpSocket, bytes: Buffer): Promise<boolean> {
  const chunks: Buffer[] = [];
  let got = 0;
  const done = new Promise<void>((resolve) =>
    to.on('data', (c: Buffer) => {
      chunks.push(Buffer.from(c));
      got += c.length;
      if (got >= bytes.length) resolve();
    }),
  );
  from.write(bytes);
  await done;
  return Buffer.concat(chunks).equals(bytes);
}

async function dial(a: Awaited<ReturnType<typeof node>>, b: Awaited<ReturnType<typeof node>>) {
  const client = a.manager.connect(b.address);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  return { client, server: b.accepted.at(-1)! };
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
}

/** A connection to `b` dialled from a raw socket (our id 100, seq 1000): the accepted socket, nobody reading it. */
async function rawConnection(b: Awaited<ReturnType<typeof node>>) {
  const attacker = await rawSocket();
  const acks: Buffer[] = [];
  attacker.on('message', (m) => acks.push(m));
  const send = (bytes: Buffer) => attacker.send(bytes, b.address.port, b.address.host);
  // The accepted connection's packets carry id 100, ours 101.
  send(raw(ST_SYN, 100, 1000, 0));
  await until(() => b.accepted.length === 1 && acks.length === 1);
  const answer = emptyPacket();
  expect(decodePacket(acks[0]!, answer)).toBeUndefined();
  const ack = (answer.seq - 1) & 0xffff; // its next packet would be `seq`: nothing of it to acknowledge yet
  return { server: b.accepted[0]!, send, acks, ack };
}

/** DATA packets `seq` onwards on a `rawConnection`, letting the receiver run every hundred. */
async function sendData(send: (bytes: Buffer) => void, seq: number, count: number, ack: number, payload: Uint8Array): Promise<void> {
  for (let i = 0; i < count; i++) {
    send(raw(ST_DATA, 101, (seq + i) & 0xffff, ack, payload));
    if (i % 100 === 99) await new Promise((r) => setImmediate(r));
  }
}

describe('UtpManager against hostile input', () => {
  it('answers a packet for an unknown connection with a RESET, and drops malformed datagrams', async () => {
    const { address } = await node();
    const attacker = await rawSocket();
    const answers: Buffer[] = [];
    attacker.on('message', (m) => answers.push(m));
    attacker.send(raw(ST_DATA, 0x4242, 10, 9, Buffer.from('hi')), address.port, address.host);
    attacker.send(Buffer.from([0x02, 0, 0, 0]), address.port, address.host); // version 2
    attacker.send(Buffer.from([0x41, 1, 0]), address.port, address.host); // cut short
    await new Promise((r) => setTimeout(r, 200));
    expect(answers).toHaveLength(1);
    const p = emptyPacket();
    expect(decodePacket(answers[0]!, p)).toBeUndefined();
    expect(p.type).toBe(ST_RESET);
    expect(p.connectionId).toBe(0x4242);
  });

  it('a live connection ignores wrong ids, ACKs of packets never sent and data far outside the window', async () => {
    const a = await node();
    const b = await node();
    const { client, server } = await dial(a, b);
    server.resume();
    const attacker = await rawSocket();
    // The attacker does not know the ids; a guess at the address with each kind of lie:
    for (let id = 0; id < 64; id++) {
      attacker.send(raw(ST_STATE, id, 1, 0xffff), b.address.port, b.address.host); // ACK of the future
      attacker.send(raw(ST_DATA, id, 40_000, 0, randomBytes(1000)), b.address.port, b.address.host); // far out of window
    }
    // The real peer itself sends an ACK for packets it was never sent, and data 5,000 packets ahead.
    const evil = emptyPacket();
    evil.connectionId = server.recvId;
    server.receive({ ...evil, type: ST_STATE, ack: 0x7fff, seq: 0, window: 1 << 20, sack: new Uint8Array(0), payload: new Uint8Array(0) }, performance.now());
    server.receive({ ...evil, type: ST_DATA, seq: 5000, ack: 0, window: 1 << 20, sack: new Uint8Array(0), payload: randomBytes(1000) }, performance.now());
    expect(server.readableLength).toBe(0);
    const bytes = randomBytes(512 * 1024);
    expect(await transfer(client, server, bytes)).toBe(true);
  });

  it('a SYN flood of 10,000 packets stays bounded and other connections keep working', async () => {
    const a = await node();
    const b = await node({ synsPerSecond: 16 });
    const { client, server } = await dial(a, b);
    const flooder = await rawSocket();
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const accepted = b.accepted.length;
    for (let i = 0; i < 10_000; i++) {
      flooder.send(raw(ST_SYN, i & 0xffff, i, 0), b.address.port, b.address.host);
      if (i % 500 === 499) await new Promise((r) => setImmediate(r));
    }
    const bytes = randomBytes(1024 * 1024);
    expect(await transfer(client, server, bytes)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    // A burst of 32, then 16 a second: the rest were dropped without a trace.
    expect(b.accepted.length - accepted).toBeLessThanOrEqual(32 + 16 * 5);
    expect(b.manager.size).toBeLessThanOrEqual(1 + 32 + 16 * 5);
    globalThis.gc?.();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
  }, 30_000);

  it('a peer that ignores our window cannot make a connection hold more than its buffer', async () => {
    const b = await node();
    const { server, send, acks, ack } = await rawConnection(b);
    const payload = randomBytes(1300);
    // 1,000 packets early (1001 is missing), then the missing one, then 1,000 more in order: 2.6 MB in all.
    await sendData(send, 1002, 1000, ack, payload);
    await sendData(send, 1001, 1, ack, payload);
    await sendData(send, 2002, 1000, ack, payload);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.readableLength).toBeGreaterThan(RECEIVE_BUFFER - 4 * payload.length);
    expect(server.readableLength).toBeLessThanOrEqual(RECEIVE_BUFFER + 64 * 1024); // the buffer and its slack for window probes
    // What was dropped was not acknowledged: the last ACK stops where the buffer filled, with the window shut.
    const last = emptyPacket();
    expect(decodePacket(acks.at(-1)!, last)).toBeUndefined();
    expect(last.ack).toBe((1000 + server.readableLength / payload.length) & 0xffff);
    expect(last.window).toBe(0);
  });

  it('tells the peer its window reopened once the reader caught up, however it read', async () => {
    const b = await node();
    const { server, send, acks, ack } = await rawConnection(b);
    const payload = randomBytes(1300);
    // 805 packets fill all but 2 KB of the 1 MiB buffer: our window is shut, and the peer stops.
    await sendData(send, 1001, 805, ack, payload);
    const window = (bytes: Buffer) => {
      const p = emptyPacket();
      expect(decodePacket(bytes, p)).toBeUndefined();
      return p.window;
    };
    await until(() => acks.length > 1 && window(acks.at(-1)!) < 4 * 1400);
    // One small read, a turn for it to be answered (still shut), then the rest at once: Readable
    // asks for more (`_read`) only on the first read, as no data came in between.
    expect(server.read(1300)).not.toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    expect(window(acks.at(-1)!)).toBeLessThan(4 * 1400);
    expect(server.read()).not.toBeNull();
    expect(server.readableLength).toBe(0);
    await until(() => window(acks.at(-1)!) >= RECEIVE_BUFFER / 2);
  });

  it('answers packets for unknown connections within a budget of RESETs, whoever sends them', async () => {
    const { address } = await node();
    const attacker = await rawSocket();
    let resets = 0;
    attacker.on('message', () => resets++);
    const started = performance.now();
    for (let i = 0; i < 2000; i++) {
      attacker.send(raw(ST_STATE, i & 0xffff, 1, 0), address.port, address.host);
      if (i % 200 === 199) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 200));
    const seconds = (performance.now() - started) / 1000;
    expect(resets).toBeGreaterThan(0);
    expect(resets).toBeLessThanOrEqual(64 + Math.ceil(64 * seconds));
  });

  it('caps connections: a SYN past the cap is not answered', async () => {
    const b = await node({ maxConnections: 2 });
    const flooder = await rawSocket();
    const answers: Buffer[] = [];
    flooder.on('message', (m) => answers.push(m));
    for (let i = 0; i < 5; i++) flooder.send(raw(ST_SYN, i * 2, 1, 0), b.address.port, b.address.host);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.accepted).toHaveLength(2);
    expect(answers).toHaveLength(2);
  });
});
