import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EncryptionMode } from '../../../src-shared/contract';
import { PeerListener } from '../listener';
import { PeerConnection } from '../wire/peer-connection';
import { MseInitiator } from './initiator';
import { skeyLookup } from './receiver';

// A PeerListener and a dialled PeerConnection over loopback TCP, with the MSE handshake in
// between, as the session runs them.

const infoHash = randomBytes(20);
const otherTorrent = randomBytes(20);
const listeners: PeerListener[] = [];
const opened: { close(reason: string): void }[] = [];
const logged: string[] = [];

afterEach(async () => {
  for (const c of opened.splice(0)) c.close('test over');
  await Promise.all(listeners.splice(0).map((l) => l.close()));
  logged.length = 0;
});

/** A listener for two torrents whose accepted connections come out of `accepted`. */
async function listen(mode: EncryptionMode): Promise<{ port: number; accepted: Promise<PeerConnection> }> {
  let accept!: (conn: PeerConnection) => void;
  const accepted = new Promise<PeerConnection>((resolve) => (accept = resolve));
  const hashes = [otherTorrent.toString('hex'), infoHash.toString('hex')];
  const listener = await PeerListener.listen(
    0,
    '127.0.0.1',
    (hash, socket, received) => {
      if (hash !== infoHash.toString('hex')) return false;
      const conn = PeerConnection.accept(socket, received, { infoHash, peerId: randomBytes(20) });
      opened.push(conn);
      accept(conn);
      return true;
    },
    { mode: () => mode, lookup: skeyLookup(() => hashes), log: (line) => logged.push(line) },
  );
  listeners.push(listener);
  return { port: listener.port, accepted };
}

function dial(port: number, encryption: EncryptionMode): PeerConnection {
  const conn = PeerConnection.dial({ host: '127.0.0.1', port, infoHash, peerId: randomBytes(20), encryption, handshakeTimeoutMs: 5000 });
  opened.push(conn);
  return conn;
}

const handshaken = (conn: PeerConnection) => new Promise<void>((resolve, reject) => {
  conn.once('handshake', () => resolve());
  conn.once('close', (reason) => reject(new Error(reason)));
});
const closed = (conn: PeerConnection) => new Promise<string>((resolve) => conn.once('close', (reason, error) => resolve(error?.message ?? reason)));

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.on('error', reject);
    opened.push({ close: () => socket.destroy() });
  });
}

/** Resolves with how long the listener took to close `socket`. */
function closedAfter(socket: Socket): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    socket.on('data', () => undefined);
    socket.on('close', () => resolve(Date.now() - started));
  });
}

describe('encrypted peer connections', () => {
  it('carries messages and blocks under RC4 both ways, the torrent found by its SKEY among several', async () => {
    const { port, accepted } = await listen('prefer');
    const a = dial(port, 'require');
    const aOpen = handshaken(a);
    const b = await accepted;
    await Promise.all([aOpen, handshaken(b)]);
    expect([a.encryption, b.encryption]).toEqual(['rc4', 'rc4']);
    const block = randomBytes(16 * 1024);
    const original = Buffer.from(block);
    const atB = new Promise<Uint8Array>((resolve) => b.once('piece', (_i, _b, bytes) => resolve(bytes)));
    const atA = new Promise<Uint8Array>((resolve) => a.once('piece', (_i, _b, bytes) => resolve(bytes)));
    a.sendPiece(1, 0, block);
    b.sendPiece(2, 16 * 1024, block);
    expect(Buffer.from(await atB).equals(block)).toBe(true);
    expect(Buffer.from(await atA).equals(block)).toBe(true);
    // The block we sent was the caller's: encryption left it as it was.
    expect(block.equals(original)).toBe(true);
    const interested = new Promise<void>((resolve) => b.once('interested', resolve));
    a.interested();
    await interested;
  });

  it('prefer at both ends encrypts the handshake only, and the payload crosses in plaintext; prefer against require is RC4', async () => {
    const { port, accepted } = await listen('prefer');
    const a = dial(port, 'prefer');
    const b = await accepted;
    await Promise.all([handshaken(a), handshaken(b)]);
    expect([a.encryption, b.encryption]).toEqual(['handshake', 'handshake']);
    const block = randomBytes(16 * 1024);
    const atB = new Promise<Uint8Array>((resolve) => b.once('piece', (_i, _b, bytes) => resolve(bytes)));
    a.sendPiece(3, 0, block);
    expect(Buffer.from(await atB).equals(block)).toBe(true);

    const strict = await listen('require');
    const c = dial(strict.port, 'prefer');
    const d = await strict.accepted;
    await Promise.all([handshaken(c), handshaken(d)]);
    expect([c.encryption, d.encryption]).toEqual(['rc4', 'rc4']);
  });

  it('a plain handshake still gets in under prefer, and is refused under require with the reason logged', async () => {
    const open = await listen('prefer');
    const plain = dial(open.port, 'off');
    await Promise.all([handshaken(plain), open.accepted.then(handshaken)]);
    expect(plain.encryption).toBe('none');

    const strict = await listen('require');
    const refused = dial(strict.port, 'off');
    expect(await closed(refused)).toMatch(/closed the connection/);
    expect(logged.some((line) => /refused a plaintext connection: encryption is required \(from 127\.0\.0\.1\)/.test(line))).toBe(true);
  });

  it('an encrypted dial to a plaintext-only end fails in its encrypted handshake, so prefer can fall back', async () => {
    const { port } = await listen('off');
    const a = dial(port, 'prefer');
    await closed(a);
    expect(a.failedInEncryptedHandshake).toBe(true);
    expect(logged.some((line) => line.includes('refused an encrypted connection: encryption is off'))).toBe(true);
  });

  it('drops garbage, a wrong SKEY and too much padding at once, and a silent half key at the 5 s handshake limit', async () => {
    const { port, accepted } = await listen('prefer');
    // Random bytes past the most PadA may be.
    const garbage = await rawSocket(port);
    const garbageClosed = closedAfter(garbage);
    garbage.write(randomBytes(96 + 512 + 20 + 1));
    // A real MSE offer for a torrent this end does not have.
    const wrongSkey = await rawSocket(port);
    const wrongClosed = closedAfter(wrongSkey);
    const stranger = new MseInitiator(randomBytes(20), { rc4: true, plaintext: true }, new Uint8Array(0));
    wrongSkey.on('data', (chunk: Buffer) => {
      const step = stranger.push(chunk);
      if (step.send) wrongSkey.write(step.send);
    });
    wrongSkey.write(stranger.start());
    // A real public key, then 600 bytes of padding.
    const padded = await rawSocket(port);
    const paddedClosed = closedAfter(padded);
    padded.write(Buffer.concat([new MseInitiator(infoHash, { rc4: true, plaintext: false }, new Uint8Array(0)).start().subarray(0, 96), randomBytes(600)]));
    // Half a public key, then nothing.
    const silent = await rawSocket(port);
    const silentClosed = closedAfter(silent);
    silent.write(randomBytes(50));

    expect(await garbageClosed).toBeLessThan(1000);
    expect(await wrongClosed).toBeLessThan(1000);
    expect(await paddedClosed).toBeLessThan(1000);
    const silentAfter = await silentClosed;
    expect(silentAfter).toBeGreaterThan(4000);
    expect(silentAfter).toBeLessThan(7000);
    // Nothing was routed, and an honest encrypted peer still gets in.
    const honest = dial(port, 'require');
    await Promise.all([handshaken(honest), accepted.then(handshaken)]);
    expect(honest.encryption).toBe('rc4');
  }, 15_000);
});
