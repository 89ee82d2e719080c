// Streams through `shoal serve`'s HTTP server from a real Session downloading from a throttled
// aria2c seeder: ranges answered before the download completes, byte for byte; the edge cases;
// the secret and capability addresses; a torrent removed mid-stream.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../engine/session';
import { parseTorrent } from '../engine/metainfo/parse-torrent';
import { mktorrent, startAria2Seeder, startOpentracker, type Peer, type Tracker } from '../testing/clients';
import { freePort, stopAll, tempDir, waitFor } from '../testing/processes';
import { writePayload } from '../testing/shoal-cli';
import { connectStreamPort, serveStreamsOnPort } from '../transport/stream-port';
import { startServeServer, type ServeServer } from './serve-server';

const token = 'stream-test-token-0123456789';
const cookie = `shoal_session=${token}`;
const LENGTH = 6 * 1024 * 1024 + 4321;

let work: { path: string; remove(): Promise<void> };
let tracker: Tracker;
let seeder: Peer;
let session: Session;
let server: ServeServer;
let source: Buffer;
let infoHash: string;
let torrentBytes: Buffer;
const channel = new MessageChannel();

beforeAll(async () => {
  work = await tempDir('stream-interop');
  await writePayload(join(work.path, 'data'), { 'clip.webm': LENGTH });
  source = await readFile(join(work.path, 'data', 'clip.webm'));
  const port = await freePort();
  const torrentPath = join(work.path, 'clip.torrent');
  await mktorrent(join(work.path, 'data', 'clip.webm'), torrentPath, { announce: [`http://127.0.0.1:${port}/announce`], pieceLengthLog2: 16 });
  torrentBytes = await readFile(torrentPath);
  infoHash = parseTorrent(torrentBytes).infoHashHex;
  tracker = await startOpentracker([infoHash], port);
  // 6 MiB at 200 KiB/s: half a minute, so ranges are answered long before the end.
  seeder = await startAria2Seeder(torrentPath, join(work.path, 'data'), { uploadLimit: '200K' });
  session = await Session.start({ downloadDir: join(work.path, 'out'), listenPort: 0, listenHost: '127.0.0.1', listIntervalMs: 100 });
  await session.setSettings({ announceInterval: 1, dht: false, lsd: false });
  serveStreamsOnPort(session.streams, channel.port2);
  const rendererDir = join(work.path, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Shoal</title>');
  server = await startServeServer({ host: '127.0.0.1', port: 0, token, rendererDir, engine: session, streams: connectStreamPort(channel.port1) });
}, 60_000);

afterAll(async () => {
  await server?.close();
  channel.port1.close();
  await session?.close();
  await seeder?.stop();
  await tracker?.stop();
  await stopAll();
  await work?.remove();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  complete: boolean;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET', onData?: (received: number) => void): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: Number(server.origin.port), path, headers, method }, (res) => {
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        received += c.length;
        onData?.(received);
      });
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP streams of a torrent downloading from a throttled seeder', () => {
  it('un-skips a skipped file when its playback starts, and answers a range near the end with the source bytes before the download completes', async () => {
    await session.addTorrent({ source: { kind: 'torrent', data: torrentBytes }, skipFiles: [0] });
    expect(session.torrent(infoHash)!.filePriorities[0]).toBe('skip');
    const { url } = await session.streamFile({ infoHash, fileIndex: 0 });
    expect(url).toMatch(/^\/stream\/cap\/[A-Za-z0-9_-]{43}\/clip\.webm$/);
    expect(session.torrent(infoHash)!.filePriorities[0]).toBe('normal');

    const from = LENGTH - 100_000;
    const reply = await get(`/stream/${infoHash}/0`, { Cookie: cookie, Range: `bytes=${from}-` });
    const t = session.torrent(infoHash)!;
    expect(t.isComplete).toBe(false);
    expect(t.bytesDone).toBeLessThan(LENGTH / 2);
    expect(reply.status).toBe(206);
    expect(reply.headers['content-range']).toBe(`bytes ${from}-${LENGTH - 1}/${LENGTH}`);
    expect(reply.headers['content-type']).toBe('video/webm');
    expect(reply.body.equals(source.subarray(from))).toBe(true);
  }, 30_000);

  it('answers every range edge case: closed, open-ended, suffix, past the end, malformed, many ranges, HEAD', async () => {
    const path = `/stream/${infoHash}/0`;
    const h = { Cookie: cookie };
    const closed = await get(path, { ...h, Range: `bytes=${LENGTH - 10}-${LENGTH - 5}` });
    expect([closed.status, closed.headers['content-range'], closed.body.equals(source.subarray(LENGTH - 10, LENGTH - 4))]).toEqual([206, `bytes ${LENGTH - 10}-${LENGTH - 5}/${LENGTH}`, true]);
    const suffix = await get(path, { ...h, Range: 'bytes=-500' });
    expect([suffix.status, suffix.body.equals(source.subarray(LENGTH - 500))]).toEqual([206, true]);
    const clamped = await get(path, { ...h, Range: `bytes=${LENGTH - 3}-${LENGTH + 1000}` });
    expect([clamped.status, clamped.headers['content-range'], clamped.body.equals(source.subarray(LENGTH - 3))]).toEqual([206, `bytes ${LENGTH - 3}-${LENGTH - 1}/${LENGTH}`, true]);
    for (const range of [`bytes=${LENGTH}-`, `bytes=${LENGTH + 5}-${LENGTH + 9}`, 'bytes=-0']) {
      const beyond = await get(path, { ...h, Range: range });
      expect([range, beyond.status, beyond.headers['content-range']]).toEqual([range, 416, `bytes */${LENGTH}`]);
    }
    for (const range of ['bytes=abc', 'bytes=9-2', 'pages=1-2', `bytes=${'0-1,'.repeat(200)}5-6`]) {
      const ignored = await get(path, { ...h, Range: range }, 'HEAD');
      expect([range, ignored.status, ignored.headers['content-length'], ignored.headers['content-range']]).toEqual([range, 200, String(LENGTH), undefined]);
    }
    const head = await get(path, { ...h, Range: 'bytes=100-199' }, 'HEAD');
    expect([head.status, head.headers['content-length'], head.headers['accept-ranges'], head.body.length]).toEqual([206, '100', 'bytes', 0]);
    const post = await get(path, h, 'POST');
    expect(post.status).toBe(405);
  }, 30_000);

  it('refuses /stream without the secret; finds no file past the last one or torrent not in the session', async () => {
    expect((await get(`/stream/${infoHash}/0`, { Range: 'bytes=-10' })).status).toBe(401);
    expect((await get(`/stream/${infoHash}/1`, { Cookie: cookie })).status).toBe(404);
    expect((await get(`/stream/${'0'.repeat(40)}/0`, { Cookie: cookie })).status).toBe(404);
  });

  it('serves the capability address without the cookie; removing the torrent ends its streams and voids the address', async () => {
    const { url } = await session.streamFile({ infoHash, fileIndex: 0 });
    const tail = await get(url, { Range: 'bytes=-64' });
    expect([tail.status, tail.body.equals(source.subarray(LENGTH - 64))]).toEqual([206, true]);
    expect((await get(`/stream/cap/${'A'.repeat(43)}/clip.webm`)).status).toBe(404);

    // A whole-file stream under way when the torrent is removed: the connection closes short.
    let removed = false;
    const whole = await get(url, {}, 'GET', (received) => {
      if (received > 64 * 1024 && !removed) {
        removed = true;
        void session.remove({ infoHashes: [infoHash], deleteFiles: false });
      }
    });
    expect(removed).toBe(true);
    expect(whole.status).toBe(200);
    expect(whole.complete).toBe(false);
    expect(whole.body.length).toBeLessThan(LENGTH);
    expect(whole.body.equals(source.subarray(0, whole.body.length))).toBe(true);
    await waitFor('the stream to be let go', () => (session.torrent(infoHash) === undefined ? true : undefined), 5_000);
    expect((await get(url, { Range: 'bytes=-64' })).status).toBe(404);
  }, 60_000);
});
