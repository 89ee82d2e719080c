import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BandwidthLimiter } from '../bandwidth/bandwidth-limiter';
import { encodeExtendedHandshake } from './extended-handshake';
import { encodeHandshake } from './handshake';
import { encodeMessage } from './messages';
import { PeerConnection, type PeerConnectionOptions } from './peer-connection';
import { generatePeerId } from './peer-id';
import { readHandshake } from './read-handshake';
import { PeerUdpSocket } from '../net/peer-udp-socket';
import { UtpManager } from '../utp/utp-manager';
import type { UtpSocket } from '../utp/utp-socket';

const infoHash = Uint8Array.from({ length: 20 }, (_, i) => i * 3);
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A listening server on a free loopback port; every accepted socket goes to `onSocket`. */
async function listen(onSocket: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    onSocket(s);
  });
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

/** A uTP manager on a loopback UDP port, as the session runs one; incoming sockets go to `accept`. */
async function utpNode(): Promise<{ manager: UtpManager; port: number; accept: (socket: UtpSocket) => void }> {
  const udp = await PeerUdpSocket.bind(0, '127.0.0.1');
  const node = {
    manager: new UtpManager({ send: (bytes, to) => udp.send(bytes, to), accept: (socket) => node.accept(socket) }),
    port: udp.port,
    accept: (socket: UtpSocket): void => void socket.destroy(),
  };
  udp.on('utp', (bytes, from) => node.manager.receive(bytes, from));
  cleanups.push(() => {
    node.manager.close();
    void udp.close();
  });
  return node;
}

function track(conn: PeerConnection): PeerConnection {
  cleanups.push(() => conn.close('test over'));
  return conn;
}

function once<T extends unknown[]>(conn: PeerConnection, event: 'handshake' | 'close' | 'bitfield' | 'piece' | 'request' | 'extendedHandshake' | 'keepAlive' | 'haveAll' | 'reject' | 'cancel' | 'unchoke' | 'interested' | 'have'): Promise<T> {
  return new Promise((resolve) => conn.once(event, (...args: unknown[]) => resolve(args as T)));
}

/** A connected pair: `a` dialed, `b` accepted through `readHandshake`. */
async function pair(a: Partial<PeerConnectionOptions> = {}, b: Partial<PeerConnectionOptions> = {}): Promise<[PeerConnection, PeerConnection]> {
  let resolveB!: (c: PeerConnection) => void;
  const accepted = new Promise<PeerConnection>((r) => (resolveB = r));
  const { port } = await listen((socket) => {
    readHandshake(socket, 2000).then(
      (received) => resolveB(track(PeerConnection.accept(socket, received, { infoHash, peerId: generatePeerId(), pieceCount: 10, ...b }))),
      () => undefined,
    );
  });
  const dialer = track(PeerConnection.dial({ host: '127.0.0.1', port, infoHash, peerId: generatePeerId(), pieceCount: 10, ...a }));
  const acceptor = await accepted;
  await Promise.all([once(dialer, 'handshake'), once(acceptor, 'handshake')]);
  return [dialer, acceptor];
}

describe('PeerConnection over loopback', () => {
  it('handshakes, negotiates extensions and exchanges messages with exact state', { timeout: 5000 }, async () => {
    const [a, b] = await pair();
    expect(a.fastExtension && a.extensionProtocol && b.fastExtension && b.extensionProtocol).toBe(true);
    expect([...a.peerHandshake!.infoHash]).toEqual([...infoHash]);

    const bitfield = once<[Uint8Array]>(b, 'bitfield');
    a.sendBitfield(Uint8Array.from([0xa0, 0x40]));
    expect([...(await bitfield)[0]]).toEqual([0xa0, 0x40]);

    const ext = once<[{ m: Record<string, number>; reqq?: number }]>(a, 'extendedHandshake');
    b.sendExtendedHandshake({ m: { ut_metadata: 2 }, reqq: 250, v: 'test' });
    const [h] = await ext;
    expect(h.m.ut_metadata).toBe(2);
    expect(a.peerExtendedHandshake?.reqq).toBe(250);

    const interested = once(b, 'interested');
    a.interested();
    await interested;
    expect(a.amInterested && b.peerInterested).toBe(true);
    expect(b.amChoking && a.peerChoking).toBe(true);

    const unchoke = once(a, 'unchoke');
    b.unchoke();
    await unchoke;
    expect(a.peerChoking || b.amChoking).toBe(false);

    const requests: { index: number; begin: number; length: number }[] = [];
    b.on('request', (r) => requests.push(r));
    const cancelled = once<[{ index: number }]>(b, 'cancel');
    a.sendRequests([
      { index: 0, begin: 0, length: 16384 },
      { index: 2, begin: 16384, length: 100 },
    ]);
    a.sendCancel({ index: 2, begin: 16384, length: 100 });
    expect((await cancelled)[0].index).toBe(2);
    expect(requests).toEqual([
      { index: 0, begin: 0, length: 16384 },
      { index: 2, begin: 16384, length: 100 },
    ]);

    const block = new Uint8Array(16384).map((_, i) => (i * 7) & 0xff);
    const piece = once<[number, number, Uint8Array]>(a, 'piece');
    b.sendPiece(0, 0, block);
    const [index, begin, got] = await piece;
    expect([index, begin]).toEqual([0, 0]);
    expect(Buffer.from(got).equals(Buffer.from(block))).toBe(true);
    expect(a.payloadReceived).toBe(16384);
    expect(b.payloadSent).toBe(16384);
    expect(a.downloadRate()).toBeGreaterThan(0);
    expect(b.uploadRate()).toBeGreaterThan(0);
    expect(a.bytesReceived).toBeGreaterThan(16384 + 68);
    // b sent: handshake, extended handshake, unchoke, piece header; a received exactly that.
    const extLength = encodeExtendedHandshake({ m: { ut_metadata: 2 }, reqq: 250, v: 'test' }).length;
    expect(b.bytesSent - b.payloadSent).toBe(68 + 4 + 2 + extLength + 5 + 13);
    expect(a.bytesReceived - a.payloadReceived).toBe(b.bytesSent - b.payloadSent);

    const rejected = once<[{ index: number; length: number }]>(a, 'reject');
    b.sendReject({ index: 2, begin: 16384, length: 100 });
    expect((await rejected)[0]).toEqual({ index: 2, begin: 16384, length: 100 });

    const have = once<[number]>(b, 'have');
    a.sendHave(9);
    expect((await have)[0]).toBe(9);

    const closed = once<[string]>(b, 'close');
    const reasons: string[] = [];
    a.on('close', (reason) => reasons.push(reason));
    a.close('done here');
    a.close('again');
    expect(reasons).toEqual(['done here']);
    expect((await closed)[0]).toBe('the peer closed the connection');
  });

  /** Dials a scripted raw peer that answers our handshake with `reply` (handshake + messages). */
  async function dialScripted(reply: Uint8Array[], options: Partial<PeerConnectionOptions> = {}): Promise<PeerConnection> {
    const { port } = await listen((s) => s.once('data', () => reply.forEach((r) => s.write(r))));
    return track(PeerConnection.dial({ host: '127.0.0.1', port, infoHash, peerId: generatePeerId(), ...options }));
  }

  it("upgrades a hybrid's v1 handshake with the v2 bit to a v2 connection by answering with the v2 hash (BEP 52)", { timeout: 5000 }, async () => {
    const v2 = Uint8Array.from({ length: 20 }, (_, i) => 200 - i);
    const [a, b] = await pair({ infoHashV2: v2, extensions: { v2: true } }, { infoHashV2: v2, extensions: { v2: true } });
    expect(b.peerHandshake!.v2).toBe(true);
    expect([...b.peerHandshake!.infoHash]).toEqual([...infoHash]);
    expect([...a.peerHandshake!.infoHash]).toEqual([...v2]);
    expect([a.protocolV2, b.protocolV2]).toEqual([true, true]);

    const request = { piecesRoot: new Uint8Array(32).fill(5), base: 2, index: 4, count: 4, proofLayers: 3 };
    const asked = new Promise((resolve) => b.once('hashRequest', resolve));
    a.sendHashRequest(request);
    expect(await asked).toEqual(request);
    const answered = new Promise((resolve) => a.once('hashes', (ref, hashes) => resolve([ref, hashes])));
    b.sendHashes(request, new Uint8Array(5 * 32).fill(1));
    expect(await answered).toEqual([request, new Uint8Array(5 * 32).fill(1)]);
    const refused = new Promise((resolve) => a.once('hashReject', resolve));
    b.sendHashReject(request);
    expect(await refused).toEqual(request);
  });

  it('stays a v1 connection with a peer that does not know the v2 hash, and never upgrades without the v2 bit', { timeout: 5000 }, async () => {
    const v2 = Uint8Array.from({ length: 20 }, (_, i) => 200 - i);
    const [a, b] = await pair({ infoHashV2: v2, extensions: { v2: true } }, {});
    expect([a.protocolV2, b.protocolV2]).toEqual([false, false]);
    const [c, d] = await pair({}, { infoHashV2: v2 });
    expect([...c.peerHandshake!.infoHash]).toEqual([...infoHash]);
    expect([c.protocolV2, d.protocolV2]).toEqual([false, false]);
  });

  it("names a v2-only torrent by its truncated v2 hash, both ways a v2 connection", { timeout: 5000 }, async () => {
    const v2 = Uint8Array.from({ length: 20 }, (_, i) => 100 + i);
    const [a, b] = await pair({ infoHash: v2, infoHashV2: v2 }, { infoHash: v2, infoHashV2: v2 });
    expect([a.protocolV2, b.protocolV2]).toEqual([true, true]);
  });

  it('refuses fast-extension messages when BEP 6 was not negotiated', { timeout: 5000 }, async () => {
    const conn = await dialScripted([encodeHandshake(infoHash, generatePeerId(), { fast: false }), encodeMessage({ type: 'haveAll' })]);
    const [reason] = await once<[string]>(conn, 'close');
    expect(reason).toMatch(/protocol error: .*without announcing the fast extension/);
    expect(conn.fastExtension).toBe(false);
    expect(() => conn.sendHaveAll()).toThrow(/fast extension/);
  });

  it('passes on a later bitfield, which replaces the first (aria2 sends one after have none)', { timeout: 5000 }, async () => {
    const first = encodeMessage({ type: 'bitfield', bytes: Uint8Array.from([0x80, 0]) });
    const second = encodeMessage({ type: 'bitfield', bytes: Uint8Array.from([0xc0, 0]) });
    const conn = await dialScripted([encodeHandshake(infoHash, generatePeerId()), first, second], { pieceCount: 10 });
    const seen: number[][] = [];
    conn.on('bitfield', (bytes) => seen.push([...bytes]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual([[0x80, 0], [0xc0, 0]]);
    expect(conn.isOpen).toBe(true);
    conn.close('test over');
  });

  it('delivers nothing while reading is paused, and everything once resumed', { timeout: 5000 }, async () => {
    const have = encodeMessage({ type: 'have', index: 3 });
    const { port } = await listen((sock) =>
      sock.once('data', () => {
        sock.write(encodeHandshake(infoHash, generatePeerId()));
        setTimeout(() => sock.write(have), 150);
      }),
    );
    const conn = track(PeerConnection.dial({ host: '127.0.0.1', port, infoHash, peerId: generatePeerId(), pieceCount: 10 }));
    await once(conn, 'handshake');
    conn.pauseReading();
    const seen: number[] = [];
    conn.on('have', (index) => seen.push(index));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(seen).toEqual([]);
    conn.resumeReading();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual([3]);
    conn.close('test over');
  });

  it('reads no faster than its read gate allows, while what it sends goes out at once', { timeout: 8000 }, async () => {
    const KiB = 1024;
    const block = new Uint8Array(16 * KiB);
    let fromUs = 0;
    const { port } = await listen((sock) => {
      sock.once('data', () => {
        sock.write(encodeHandshake(infoHash, generatePeerId()));
        // 4 MiB of blocks at once: unlimited, they would all be read in well under a second.
        for (let i = 0; i < 256; i++) sock.write(encodeMessage({ type: 'piece', index: 0, begin: 0, block }));
        sock.on('data', (chunk: Buffer) => (fromUs += chunk.length));
      });
    });
    const gate = new BandwidthLimiter().forTorrent();
    gate.setLimit({ down: 256 * KiB, up: 0 });
    const conn = track(PeerConnection.dial({ host: '127.0.0.1', port, infoHash, peerId: generatePeerId(), pieceCount: 10, readGate: gate.down }));
    let received = 0;
    conn.on('piece', (_i, _b, data) => (received += data.length));
    await once(conn, 'handshake');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    // Two seconds at 256 KiB/s, plus the first burst (64 KiB) and one socket read of debt.
    expect(received).toBeGreaterThan(400 * KiB);
    expect(received).toBeLessThan(700 * KiB);
    const before = fromUs;
    conn.sendHave(3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fromUs - before).toBe(9);
    conn.close('test over');
  });

  it('refuses an extension message when BEP 10 was not negotiated', { timeout: 5000 }, async () => {
    const ext = encodeMessage({ type: 'extended', id: 0, payload: new TextEncoder().encode('de') });
    const conn = await dialScripted([encodeHandshake(infoHash, generatePeerId(), { extended: false }), ext]);
    expect((await once<[string]>(conn, 'close'))[0]).toMatch(/without announcing BEP 10/);
  });

  it('closes on a message that breaks the size caps', { timeout: 5000 }, async () => {
    const { port } = await listen((s) => {
      s.once('data', () => {
        s.write(encodeHandshake(infoHash, generatePeerId(), { fast: true }));
        s.write(Uint8Array.from([0x00, 0x10, 0x00, 0x00, 7])); // a 1 MiB "piece"
      });
    });
    const conn = track(PeerConnection.dial({ host: '127.0.0.1', port, infoHash, peerId: generatePeerId() }));
    const [reason, err] = await once<[string, Error]>(conn, 'close');
    expect(reason).toMatch(/protocol error: The peer sent a block of/);
    expect(err).toBeInstanceOf(Error);
  });

  it('closes when the peer answers for another torrent', { timeout: 5000 }, async () => {
    const { port } = await listen((s) => s.once('data', () => s.write(encodeHandshake(new Uint8Array(20), generatePeerId()))));
    const conn = track(PeerConnection.dial({ host: '127.0.0.1', port, infoHash, peerId: generatePeerId() }));
    expect((await once<[string]>(conn, 'close'))[0]).toBe('wrong info-hash');
  });

  it('times out a peer that never completes its handshake', { timeout: 5000 }, async () => {
    const { port } = await listen((s) => s.once('data', () => s.write(Uint8Array.from([19, 66, 105]))));
    const conn = track(PeerConnection.dial({ host: '127.0.0.1', port, infoHash, peerId: generatePeerId(), handshakeTimeoutMs: 200 }));
    const started = Date.now();
    const [reason, err] = await once<[string, Error]>(conn, 'close');
    expect(reason).toBe('handshake failed');
    expect(err.message).toMatch(/in time/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a refused connection', { timeout: 5000 }, async () => {
    const { server, port } = await listen(() => undefined);
    await new Promise((r) => server.close(r));
    const conn = track(PeerConnection.dial({ host: '127.0.0.1', port, infoHash, peerId: generatePeerId() }));
    const [reason] = await once<[string]>(conn, 'close');
    expect(reason).toMatch(/network error|closed/);
  });

  it('reports an invalid address as a close, not an exception', { timeout: 5000 }, async () => {
    const conn = track(PeerConnection.dial({ host: '127.0.0.1', port: 70_000, infoHash, peerId: generatePeerId() }));
    const [reason, err] = await once<[string, Error]>(conn, 'close');
    expect(reason).toBe('invalid address');
    expect(err.message).toMatch(/not a valid address/);
  });

  it('sends keep-alives when quiet, so a peer with a short idle timeout stays', { timeout: 5000 }, async () => {
    const [, b] = await pair({ keepAliveMs: 100, idleTimeoutMs: 60_000 }, { keepAliveMs: 60_000, idleTimeoutMs: 600 });
    let keepAlives = 0;
    b.on('keepAlive', () => keepAlives++);
    await new Promise((r) => setTimeout(r, 900));
    expect(b.isOpen).toBe(true);
    expect(keepAlives).toBeGreaterThanOrEqual(3);
  });

  it('drops a peer that sends nothing', { timeout: 5000 }, async () => {
    const conn = await dialScripted([encodeHandshake(infoHash, generatePeerId())], { idleTimeoutMs: 300 });
    const started = Date.now();
    await once(conn, 'handshake');
    const [reason, err] = await once<[string, Error]>(conn, 'close');
    expect(reason).toBe('idle timeout');
    expect(err.message).toMatch(/nothing for too long/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('moves 64 MiB of blocks intact, in order, honouring backpressure', { timeout: 30_000 }, async () => {
    const blocks = 4096;
    const [a, b] = await pair({ pieceCount: blocks });
    const block = new Uint8Array(16384).map((_, i) => i & 0xff);
    let received = 0;
    let badBytes = 0;
    let next = 0;
    const done = new Promise<void>((resolve, reject) => {
      a.on('piece', (index, begin, data) => {
        if (index !== received || begin !== 0 || data.length !== 16384 || data[0] !== 0 || data[16383] !== 0xff) badBytes++;
        if (++received === blocks) resolve();
      });
      a.once('close', (reason) => reject(new Error(reason)));
    });
    const pump = (): void => {
      while (next < blocks && b.writableLength < 1024 * 1024) b.sendPiece(next++, 0, block);
    };
    b.on('drain', pump);
    const started = performance.now();
    pump();
    await done;
    const seconds = (performance.now() - started) / 1000;
    expect(badBytes).toBe(0);
    expect(a.payloadReceived).toBe(blocks * 16384);
    // Hundreds of MB/s on an idle machine; the bound only catches pathological slowness.
    expect(seconds).toBeLessThan(20);
  });

  it("calls a block's `written` only once TCP no longer needs it: overwriting the block then never reaches the peer", { timeout: 20_000 }, async () => {
    const blocks = 1024; // 16 MiB: more than loopback's socket buffers hold while the peer does not read
    const [a, b] = await pair({ pieceCount: blocks });
    a.pauseReading();
    let bad = 0;
    let received = 0;
    const done = new Promise<void>((resolve, reject) => {
      a.on('piece', (index, _begin, data) => {
        if (data.length !== 16384 || data.some((byte) => byte !== (index & 0xff))) bad++;
        if (++received === blocks) resolve();
      });
      a.once('close', (reason) => reject(new Error(reason)));
    });
    let written = 0;
    for (let i = 0; i < blocks; i++) {
      const block = new Uint8Array(16384).fill(i & 0xff);
      b.sendPiece(i, 0, block, () => {
        written++;
        block.fill(0xee); // as the read cache does when it reuses the buffer
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(written).toBeLessThan(blocks);
    a.resumeReading();
    await done;
    expect(bad).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written).toBe(blocks);
  });

  it("never calls a block's `written` over uTP, which keeps written bytes queued past its write callback", { timeout: 20_000 }, async () => {
    const ends = await Promise.all([utpNode(), utpNode()]);
    const [dialSide, acceptSide] = ends;
    const accepted = new Promise<PeerConnection>((resolve) => {
      acceptSide.accept = (socket) => {
        readHandshake(socket, 2000).then(
          (received) => resolve(track(PeerConnection.accept(socket, received, { infoHash, peerId: generatePeerId(), pieceCount: 64 }))),
          () => undefined,
        );
      };
    });
    const a = track(PeerConnection.dial({ host: '127.0.0.1', port: acceptSide.port, infoHash, peerId: generatePeerId(), pieceCount: 64, utp: dialSide.manager }));
    const b = await accepted;
    await Promise.all([once(a, 'handshake'), once(b, 'handshake')]);
    let bad = 0;
    let received = 0;
    const done = new Promise<void>((resolve) =>
      a.on('piece', (index, _begin, data) => {
        if (data.some((byte) => byte !== index)) bad++;
        if (++received === 64) resolve();
      }),
    );
    let written = 0;
    for (let i = 0; i < 64; i++) b.sendPiece(i, 0, new Uint8Array(16384).fill(i), () => written++);
    await done;
    expect(bad).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written).toBe(0);
  });

  it('shows write backpressure while the peer does not read', { timeout: 10_000 }, async () => {
    let raw!: Socket;
    const { port } = await listen((s) => {
      raw = s;
      s.once('data', () => {
        s.write(encodeHandshake(infoHash, generatePeerId()));
        s.pause(); // never read again
      });
    });
    const conn = track(PeerConnection.dial({ host: '127.0.0.1', port, infoHash, peerId: generatePeerId() }));
    await once(conn, 'handshake');
    const block = new Uint8Array(128 * 1024);
    for (let i = 0; i < 400; i++) conn.sendPiece(0, 0, block);
    expect(conn.writableLength).toBeGreaterThan(0);
    const drained = new Promise<void>((r) => conn.once('drain', () => r()));
    raw.resume();
    await drained;
    expect(conn.writableLength).toBe(0);
  });
});

describe('readHandshake', () => {
  it('hands over the bytes that followed the handshake', { timeout: 5000 }, async () => {
    const got = new Promise<{ leftover: number[]; peerId: Uint8Array }>((resolve) => {
      void listen((s) => {
        void readHandshake(s, 2000).then((r) => resolve({ leftover: [...r.leftover], peerId: r.handshake.peerId }));
      }).then(({ port }) => {
        const c = connect(port, '127.0.0.1', () => {
          const id = generatePeerId();
          c.write(Uint8Array.from([...encodeHandshake(infoHash, id), ...encodeMessage({ type: 'interested' })]));
        });
        cleanups.push(() => c.destroy());
      });
    });
    const { leftover } = await got;
    expect(leftover).toEqual([0, 0, 0, 1, 2]);
  });

  it('rejects an HTTP request on its first byte and closes the socket', { timeout: 5000 }, async () => {
    const result = new Promise<string>((resolve) => {
      void listen((s) => {
        readHandshake(s, 2000).then(
          () => resolve('accepted'),
          (err: Error) => resolve(`${err.message} destroyed=${s.destroyed}`),
        );
      }).then(({ port }) => {
        const c = connect(port, '127.0.0.1', () => c.write('GET / HTTP/1.1\r\n\r\n'));
        cleanups.push(() => c.destroy());
      });
    });
    expect(await result).toMatch(/does not speak the BitTorrent protocol.*destroyed=true/);
  });
});
