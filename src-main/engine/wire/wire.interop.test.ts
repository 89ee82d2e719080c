// PeerConnection against a real aria2c seeding a torrent made by mktorrent, all on 127.0.0.1.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTorrent } from '../metainfo/parse-torrent';
import type { ExtendedHandshake } from './extended-handshake';
import { PeerConnection } from './peer-connection';
import { clientFromPeerId, generatePeerId } from './peer-id';

const run = promisify(execFile);
const PIECE_LOG2 = 15;
const PAYLOAD = 5 * 32 * 1024 + 1234; // a short last piece

let dir: string;
let aria2: ChildProcess | undefined;
let port: number;
let payload: Buffer;
let torrentBytes: Uint8Array;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Resolves once something accepts TCP connections on the port (aria2 listens after its hash check). */
async function waitForListener(p: number, deadline: number): Promise<void> {
  const { connect } = await import('node:net');
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(p, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on port ${p} in time`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-wire-interop-'));
  const data = join(dir, 'data');
  await mkdir(data);
  payload = randomBytes(PAYLOAD);
  await writeFile(join(data, 'payload.bin'), payload);
  const torrent = join(dir, 'payload.torrent');
  await run('mktorrent', ['-l', String(PIECE_LOG2), '-a', 'http://127.0.0.1:1/announce', '-o', torrent, join(data, 'payload.bin')], {
    timeout: 15_000,
  });
  torrentBytes = await readFile(torrent);
  port = await freePort();
  // Flags as in bench/clients/aria2.sh: loopback only, no DHT/LPD/PEX, seed forever after a check.
  aria2 = spawn(
    'aria2c',
    [
      '--interface=127.0.0.1', '--disable-ipv6=true',
      '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
      `--listen-port=${port}`, `--dir=${data}`,
      '--console-log-level=warn', '--summary-interval=0', '--show-console-readout=false', '--download-result=hide',
      `--dht-file-path=${join(dir, 'dht.dat')}`, `--dht-file-path6=${join(dir, 'dht6.dat')}`,
      '--save-session-interval=0', '--auto-save-interval=0',
      `--stop-with-process=${process.pid}`,
      '-V', '--seed-ratio=0.0', torrent,
    ],
    { detached: true, stdio: 'ignore' },
  );
  await waitForListener(port, Date.now() + 15_000);
}, 30_000);

afterAll(async () => {
  if (aria2?.pid !== undefined && aria2.exitCode === null) {
    const exited = new Promise((r) => aria2!.once('exit', r));
    try {
      process.kill(-aria2.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
}, 10_000);

describe('wire interop with aria2c', () => {
  it('handshakes, reads its bitfield and downloads a block', { timeout: 30_000 }, async () => {
    const meta = parseTorrent(torrentBytes);
    expect(meta.pieceCount).toBe(6);
    const conn = PeerConnection.dial({ host: '127.0.0.1', port, infoHash: meta.infoHash, peerId: generatePeerId(), pieceCount: meta.pieceCount });
    try {
      const events: string[] = [];
      const closed = new Promise<never>((_, reject) => conn.once('close', (reason) => reject(new Error(`closed: ${reason}`))));
      const handshake = new Promise<void>((r) => conn.once('handshake', () => r()));
      const has = new Promise<'all' | Uint8Array>((resolve) => {
        conn.once('bitfield', (bytes) => resolve(bytes.slice()));
        conn.once('haveAll', () => resolve('all'));
      });
      const ext = new Promise<ExtendedHandshake>((r) => conn.once('extendedHandshake', r));
      conn.on('unchoke', () => events.push('unchoke'));

      await Promise.race([handshake, closed]);
      expect(clientFromPeerId(conn.peerHandshake!.peerId)).toMatch(/^aria2 \d+\.\d+\.\d+$/);
      if (conn.extensionProtocol) conn.sendExtendedHandshake({ m: {}, v: 'Shoal test' });
      conn.sendBitfield(new Uint8Array(Math.ceil(meta.pieceCount / 8)));

      const pieces = await Promise.race([has, closed]);
      if (pieces !== 'all') expect([...pieces]).toEqual([0xfc]); // six pieces, all present
      if (conn.extensionProtocol) expect((await Promise.race([ext, closed])).v).toMatch(/aria2/);

      const unchoked = new Promise<void>((r) => conn.once('unchoke', () => r()));
      conn.interested();
      await Promise.race([unchoked, closed]);
      expect(conn.peerChoking).toBe(false);

      // The short last block of the last piece, and a full block in the middle.
      const lastIndex = meta.pieceCount - 1;
      const lastLength = PAYLOAD - lastIndex * 32 * 1024;
      const wanted = [
        { index: 2, begin: 16384, length: 16384 },
        { index: lastIndex, begin: 0, length: lastLength },
      ];
      const got = new Map<string, Uint8Array>();
      const done = new Promise<void>((resolve) =>
        conn.on('piece', (index, begin, block) => {
          got.set(`${index}:${begin}`, block.slice());
          if (got.size === wanted.length) resolve();
        }),
      );
      conn.sendRequests(wanted);
      await Promise.race([done, closed]);
      for (const w of wanted) {
        const start = w.index * 32 * 1024 + w.begin;
        expect(Buffer.from(got.get(`${w.index}:${w.begin}`)!).equals(payload.subarray(start, start + w.length))).toBe(true);
      }
      expect(conn.payloadReceived).toBe(16384 + lastLength);
      expect(events).toEqual(['unchoke']);
    } finally {
      conn.close('test over');
    }
  });
});
