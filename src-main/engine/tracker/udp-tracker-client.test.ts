import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ShoalError } from '../../../src-shared/errors';
import { rejection } from '../../testing/refusal';
import { startTrackerServer } from '../../tracker-server/tracker-server';
import { UdpTrackerClient } from './udp-tracker-client';
import type { AnnounceRequest } from './tracker-types';

let socket: Socket | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await new Promise((r) => (socket ? socket.close(() => r(undefined)) : r(undefined)));
  socket = undefined;
});

/** A fake UDP tracker: `respond` gets each request and returns the reply (or nothing). */
async function fake(respond: (packet: Buffer, count: number) => Buffer | undefined): Promise<string> {
  socket = createSocket('udp4');
  let count = 0;
  socket.on('message', (packet: Buffer, from: RemoteInfo) => {
    const reply = respond(packet, ++count);
    if (reply) socket!.send(reply, from.port, from.address);
  });
  await new Promise<void>((r) => socket!.bind(0, '127.0.0.1', () => r()));
  return `udp://127.0.0.1:${socket.address().port}/announce`;
}

const header = (action: number, transaction: number, length: number) => {
  const b = Buffer.alloc(length);
  b.writeUInt32BE(action, 0);
  b.writeUInt32BE(transaction, 4);
  return b;
};
const connectReply = (packet: Buffer) => {
  const b = header(0, packet.readUInt32BE(12), 16);
  b.write('conn-id!', 8, 'latin1');
  return b;
};
/** A well-behaved tracker: connect, then one peer per announce. */
const honest = (packet: Buffer): Buffer => {
  if (packet.readUInt32BE(8) === 0) return connectReply(packet);
  const b = header(1, packet.readUInt32BE(12), 26);
  b.writeUInt32BE(600, 8);
  b.writeUInt32BE(2, 12);
  b.writeUInt32BE(3, 16);
  Buffer.from([127, 0, 0, 1, 0x1a, 0xe1]).copy(b, 20);
  return b;
};

const request: AnnounceRequest = {
  infoHash: Buffer.alloc(20, 1),
  peerId: Buffer.alloc(20, 2),
  port: 6881,
  uploaded: 5,
  downloaded: 6,
  left: 7,
  event: 'completed',
  numwant: 50,
  key: 42,
};
const fast = { retryBaseMs: 50, maxRetries: 1 };

const refusal = (url: string): Promise<ShoalError> => rejection(new UdpTrackerClient(url, fast).announce(request));

describe('UdpTrackerClient', () => {
  it('connects, then announces with the BEP 15 layout and reads the reply', async () => {
    let announce: Buffer | undefined;
    const url = await fake((p) => {
      if (p.readUInt32BE(8) === 1) announce = Buffer.from(p);
      return honest(p);
    });
    const reply = await new UdpTrackerClient(url, fast).announce(request);
    expect(reply).toEqual({ interval: 600, incomplete: 2, complete: 3, peers: [{ host: '127.0.0.1', port: 6881 }] });
    expect(announce!.subarray(0, 8).toString('latin1')).toBe('conn-id!');
    expect([announce!.readBigUInt64BE(56), announce!.readBigUInt64BE(64), announce!.readBigUInt64BE(72)]).toEqual([6n, 7n, 5n]);
    expect([announce!.readUInt32BE(80), announce!.readUInt32BE(88), announce!.readInt32BE(92), announce!.readUInt16BE(96)]).toEqual([1, 42, 50, 6881]);
  });

  it('sends BEP 21 paused as a regular announce (BEP 15 has no code for it)', async () => {
    let announce: Buffer | undefined;
    const url = await fake((p) => {
      if (p.readUInt32BE(8) === 1) announce = Buffer.from(p);
      return honest(p);
    });
    await new UdpTrackerClient(url, fast).announce({ ...request, event: 'paused' });
    expect(announce!.readUInt32BE(80)).toBe(0);
  });

  it('reuses a connection id for a minute, then connects again', async () => {
    let connects = 0;
    const url = await fake((p) => {
      if (p.readUInt32BE(8) === 0) connects++;
      return honest(p);
    });
    const client = new UdpTrackerClient(url, fast);
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    await client.announce(request);
    clock.mockReturnValue(now + 59_000);
    await client.announce(request);
    expect(connects).toBe(1);
    clock.mockReturnValue(now + 61_000);
    await client.announce(request);
    expect(connects).toBe(2);
  });

  it('retries a lost request after base·2^n', async () => {
    const times: number[] = [];
    const url = await fake((p, n) => {
      times.push(Date.now());
      return n === 1 ? undefined : honest(p); // the first connect is "lost"
    });
    await new UdpTrackerClient(url, { retryBaseMs: 200, maxRetries: 2 }).announce(request);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(190);
  });

  it('ignores replies with another transaction id, then gives up with a clear error', async () => {
    const url = await fake((p) => {
      const reply = honest(p);
      reply.writeUInt32BE((p.readUInt32BE(12) ^ 1) >>> 0, 4);
      return reply;
    });
    const err = await refusal(url);
    expect(err.code).toBe('network');
    expect(err.message).toBe('The tracker did not answer (2 attempts).');
  });

  it.each([
    ['a truncated connect reply', (p: Buffer) => header(0, p.readUInt32BE(12), 12), 'protocol', /truncated connect reply \(12 bytes\)/],
    ['a truncated announce reply', (p: Buffer) => (p.readUInt32BE(8) === 0 ? connectReply(p) : header(1, p.readUInt32BE(12), 15)), 'protocol', /truncated reply \(15 bytes\)/],
    ['a peer list cut mid-peer', (p: Buffer) => (p.readUInt32BE(8) === 0 ? connectReply(p) : header(1, p.readUInt32BE(12), 23)), 'protocol', /not a multiple of 6/],
    ['an error reply', (p: Buffer) => Buffer.concat([header(3, p.readUInt32BE(12), 8), Buffer.from('go away\n')]), 'network', /refused the request: go away$/],
    ['a reply with the wrong action', (p: Buffer) => header(2, p.readUInt32BE(12), 16), 'protocol', /action 2 instead of 0/],
  ])('turns %s into a clear ShoalError', async (_name, respond, code, message) => {
    const err = await refusal(await fake(respond));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('fails fast when nothing listens (ICMP port unreachable on a connected socket)', async () => {
    const url = await fake(() => undefined);
    await new Promise((r) => socket!.close(() => r(undefined)));
    socket = undefined;
    const started = Date.now();
    const err = await new UdpTrackerClient(url, { retryBaseMs: 5000, maxRetries: 0 }).announce(request).catch((e: unknown) => e);
    expect((err as ShoalError).message).toMatch(/^The tracker cannot be reached \(ECONNREFUSED\): nothing answers at its address/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('scrapes one torrent', async () => {
    const url = await fake((p) => {
      if (p.readUInt32BE(8) === 0) return connectReply(p);
      const b = header(2, p.readUInt32BE(12), 20);
      b.writeUInt32BE(4, 8);
      b.writeUInt32BE(9, 12);
      b.writeUInt32BE(1, 16);
      return b;
    });
    expect(await new UdpTrackerClient(url, fast).scrape(request.infoHash)).toEqual({ complete: 4, downloaded: 9, incomplete: 1 });
  });

  it('announces over IPv6 to a tracker on ::1 and reads its 18-byte peers (BEP 15)', async () => {
    const tracker = await startTrackerServer({ http: null, udp: { host: '::1', port: 0 } });
    try {
      const url = `udp://[::1]:${tracker.udpPort}/announce`;
      await new UdpTrackerClient(url, fast).announce({ ...request, event: 'started', peerId: Buffer.alloc(20, 3), port: 7001 });
      const reply = await new UdpTrackerClient(url, fast).announce({ ...request, event: 'started', port: 7002 });
      expect(reply.peers).toEqual([{ host: '::1', port: 7001 }]);
    } finally {
      await tracker.close();
    }
  });

  it('asks a tracker that resolves to IPv4 and IPv6 over both while we take IPv6 peers, over IPv4 alone otherwise', async () => {
    const tracker = await startTrackerServer({ http: null, udp: { host: '::', port: 0 } });
    const both = async () => [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
    try {
      const url = `udp://tracker.test:${tracker.udpPort}/announce`;
      await new UdpTrackerClient(url, { ...fast, lookup: async () => [{ address: '::1', family: 6 }] }).announce({ ...request, event: 'started', peerId: Buffer.alloc(20, 3), port: 7001 });
      await new UdpTrackerClient(url, { ...fast, lookup: async () => [{ address: '127.0.0.1', family: 4 }] }).announce({ ...request, event: 'started', peerId: Buffer.alloc(20, 4), port: 7002 });
      const alone = await new UdpTrackerClient(url, { ...fast, lookup: both }).announce({ ...request, event: 'started', port: 7003 });
      expect(alone.peers).toEqual([{ host: '127.0.0.1', port: 7002 }]);
      expect(tracker.store.peerCount).toBe(3);
      const dual = await new UdpTrackerClient(url, { ...fast, lookup: both }).announce({ ...request, event: 'started', port: 7004, ipv6Peers: true });
      expect(dual.peers).toEqual(expect.arrayContaining([{ host: '127.0.0.1', port: 7002 }, { host: '::1', port: 7001 }]));
      expect(dual.peers).toHaveLength(3); // and 127.0.0.1:7003; never ourselves
      expect(tracker.store.peerCount).toBe(5); // we are known at both addresses
    } finally {
      await tracker.close();
    }
  });

  it('does not wait long on a silent IPv6 side once the IPv4 one answered', async () => {
    const url = await fake(honest);
    const port = Number(new URL(url).port);
    const silent = createSocket({ type: 'udp6', ipv6Only: true });
    await new Promise<void>((r) => silent.bind(port, '::1', () => r()));
    try {
      const started = Date.now();
      const lookup = async () => [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }];
      // Without the grace period the IPv6 side would hold the answer for its 20 s first wait and more.
      const reply = await new UdpTrackerClient(`udp://tracker.test:${port}/announce`, { retryBaseMs: 20_000, lookup }).announce({ ...request, ipv6Peers: true });
      expect(reply.peers).toEqual([{ host: '127.0.0.1', port: 6881 }]);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      silent.close();
    }
  }, 15_000);

  it('stops waiting when cancelled, and refuses URLs without a port', async () => {
    const url = await fake(() => undefined);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    await expect(new UdpTrackerClient(url, { retryBaseMs: 10_000 }).announce(request, abort.signal)).rejects.toThrow('The tracker request was cancelled.');
    expect(() => new UdpTrackerClient('udp://example.org/announce')).toThrow(/needs the form udp:\/\/host:port/);
  });
});
