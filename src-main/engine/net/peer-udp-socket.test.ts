import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerAddress } from './peer-address';
import { datagramKind, PeerUdpSocket } from './peer-udp-socket';

describe('datagramKind', () => {
  it('tells KRPC from uTP by the first byte', () => {
    expect(datagramKind(Buffer.from('d1:ad2:id20:'))).toBe('dht');
    // uTP: type in the high nibble (ST_DATA 0 … ST_SYN 4), version 1 in the low one.
    for (const first of [0x01, 0x11, 0x21, 0x31, 0x41]) expect(datagramKind(Buffer.from([first, 0, 0, 0]))).toBe('utp');
    for (const first of [0x51, 0x02, 0x00, 0x65]) expect(datagramKind(Buffer.from([first]))).toBe('unknown');
    expect(datagramKind(Buffer.alloc(0))).toBe('unknown');
  });
});

let socket: PeerUdpSocket | undefined;
afterEach(async () => {
  await socket?.close();
  socket = undefined;
});

describe('PeerUdpSocket', () => {
  it('hands each datagram to the handler for its kind, and sends back', async () => {
    socket = await PeerUdpSocket.bind(0, '127.0.0.1');
    const seen: { kind: string; bytes: string; from: PeerAddress }[] = [];
    socket.on('dht', (bytes, from) => {
      seen.push({ kind: 'dht', bytes: bytes.toString('latin1'), from });
      socket!.send(Buffer.from('d1:y1:re'), from);
    });
    socket.on('utp', (bytes, from) => seen.push({ kind: 'utp', bytes: bytes.toString('hex'), from }));
    const client = createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    const answer = new Promise<string>((resolve) => client.once('message', (m) => resolve(m.toString('latin1'))));
    const to = socket.port;
    client.send(Buffer.from([0x41, 1, 2, 3]), to, '127.0.0.1');
    client.send(Buffer.from([0x99]), to, '127.0.0.1'); // neither: dropped
    client.send(Buffer.from('d1:q4:pinge'), to, '127.0.0.1');
    expect(await answer).toBe('d1:y1:re');
    const from = { host: '127.0.0.1', port: client.address().port };
    expect(seen).toEqual([
      { kind: 'utp', bytes: '41010203', from },
      { kind: 'dht', bytes: 'd1:q4:pinge', from },
    ]);
    client.close();
  });

  it('on a dual-stack socket, names IPv4 senders plainly, tells senders apart by port, and answers them', async () => {
    socket = await PeerUdpSocket.bind(0);
    expect(socket.ipv6).toBe(true);
    const seen: PeerAddress[] = [];
    socket.on('utp', (_bytes, from) => {
      seen.push(from);
      socket!.send(Buffer.from([0x21, 0, 0, 0]), from);
    });
    const clients = [createSocket('udp4'), createSocket('udp4')];
    for (const c of clients) await new Promise<void>((r) => c.bind(0, '127.0.0.1', () => r()));
    for (const c of [clients[0]!, clients[0]!, clients[1]!, clients[0]!]) {
      const answered = new Promise((resolve) => c.once('message', resolve));
      c.send(Buffer.from([0x41, 0, 0, 0]), socket.port, '127.0.0.1');
      await answered;
    }
    const [a, b] = clients.map((c) => ({ host: '127.0.0.1', port: c.address().port }));
    expect(seen).toEqual([a, a, b, a]);
    for (const c of clients) c.close();
  });

  it('reports a port in use in words', async () => {
    socket = await PeerUdpSocket.bind(0, '127.0.0.1');
    await expect(PeerUdpSocket.bind(socket.port, '127.0.0.1')).rejects.toThrow(/UDP port \d+ is already in use/);
  });
});
