import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTorrent } from '../../testing/build-torrent';
import { startHttpServer, writeForever, type TestHttpServer } from '../../testing/http-server';
import { PiecePicker } from '../picker/piece-picker';
import type { WebSeed } from './web-seed';
import { WebSeeds } from './web-seeds';

// WebSeeds with the real picker and a real HTTP server in the test.

let server: TestHttpServer | undefined;
let seeds: WebSeeds | undefined;

afterEach(async () => {
  seeds?.stop();
  await server?.stop();
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = await startHttpServer(handler);
  return `${server.origin}/f.bin`;
}

const peer = { key: 'peer' };
type Sender = WebSeed | typeof peer;

function setUp(url: string) {
  const { metainfo } = buildTorrent({ name: 'f.bin', pieceLength: 65536, files: [{ path: ['f.bin'], length: 64 * 65536 }] });
  const picker = new PiecePicker<Sender>({ pieceCount: metainfo.pieceCount, pieceLength: metainfo.pieceLength, lastPieceLength: metainfo.lastPieceLength });
  const log: string[] = [];
  const delivered: [number, number][] = [];
  const ws = new WebSeeds({
    metainfo: { ...metainfo, urlList: [url, 'file:///etc/passwd'] },
    picker,
    gate: { consume: () => true, wait: () => undefined, cancel: () => undefined },
    acquire: (n) => new Uint8Array(n),
    deliver: (seed, index, begin) => {
      delivered.push([index, begin]);
      picker.blockReceived(seed, index, begin, 16384);
    },
    log: (m) => log.push(m),
  });
  seeds = ws;
  return { ws, picker, log, delivered, seed: ws.byKey(url)! };
}

describe('WebSeeds', () => {
  it('refuses a non-HTTP url-list entry with a line in the log, and lists the others', async () => {
    const { ws, log } = setUp(await serve(() => undefined));
    expect(log).toEqual(['the web seed "file:///etc/passwd" is not http or https']);
    expect(ws.rows).toEqual([expect.objectContaining({ state: 'not contacted', message: null })]);
  });

  it('its blocks in flight are in the peers’ ledger: a peer is offered other blocks, two runs at once', async () => {
    let requests = 0;
    const url = await serve(() => requests++); // never answers
    const { ws, picker, seed } = setUp(url);
    ws.start();
    await expect.poll(() => requests, { timeout: 5000 }).toBe(2);
    const seedBlocks = new Set(picker.requestsOf(seed).map((r) => `${r.block.index}/${r.block.begin}`));
    expect(seedBlocks.size).toBe(2 * 64);
    picker.peerHaveAll(peer);
    // Exactly the blocks nobody has been asked for (more would be endgame duplicates).
    const peerBlocks = picker.pick(peer, 64 * 4 - 128).map((b) => `${b.index}/${b.begin}`);
    expect(peerBlocks.length).toBe(64 * 4 - 128);
    expect(picker.inEndgame).toBe(true);
    expect(peerBlocks.filter((b) => seedBlocks.has(b))).toEqual([]);
  });

  it('errors back it off with the reason shown, and its blocks go back to the pool', async () => {
    const url = await serve((_req, res) => res.writeHead(503).end());
    const { ws, picker, log, seed } = setUp(url);
    ws.start();
    await expect.poll(() => ws.rows[0]?.state, { timeout: 5000 }).toBe('error');
    expect(ws.rows[0]!.message).toMatch(/^answered HTTP 503; retrying in 5 s$/);
    expect(log).toContain(`web seed ${url} answered HTTP 503; retrying in 5 s`);
    await expect.poll(() => picker.outstanding(seed), { timeout: 5000 }).toBe(0);
    picker.peerHaveAll(peer);
    expect(picker.pick(peer, 10_000)).toHaveLength(64 * 4);
  });

  it('while the disk is behind, bodies are not read and no run starts; then they go on', async () => {
    const url = await serve((req, res) => {
      const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '')!;
      const length = Number(m[2]) - Number(m[1]) + 1;
      res.writeHead(206, { 'content-range': `bytes ${m[1]}-${m[2]}/${64 * 65536}`, 'content-length': length }).end(Buffer.alloc(length));
    });
    const { ws, delivered } = setUp(url);
    let paused = false;
    const deliver = delivered.push.bind(delivered);
    delivered.push = (...items) => {
      if (!paused) {
        paused = true;
        ws.setPaused(true);
      }
      return deliver(...items);
    };
    ws.start();
    await expect.poll(() => delivered.length, { timeout: 5000 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    const whilePaused = delivered.length;
    // At most the rest of the chunks already read: far from the 256 blocks.
    expect(whilePaused).toBeLessThan(64);
    ws.setPaused(false);
    await expect.poll(() => delivered.length, { timeout: 5000 }).toBe(256);
  });

  it('a 503 with Retry-After waits as long as the server asked', async () => {
    const { ws } = setUp(await serve((_req, res) => res.writeHead(503, { 'retry-after': '60' }).end()));
    ws.start();
    await expect.poll(() => ws.rows[0]?.message, { timeout: 5000 }).toBe('answered HTTP 503; retrying in 60 s');
  });

  it('an endless body is cut off and shown as the reason', async () => {
    const url = await serve((req, res) => {
      const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '')!;
      res.writeHead(206, { 'content-range': `bytes ${m[1]}-${m[2]}/${64 * 65536}` });
      writeForever(res);
    });
    const { ws } = setUp(url);
    ws.start();
    await expect.poll(() => ws.rows[0]?.state, { timeout: 5000 }).toBe('error');
    expect(ws.rows[0]!.message).toMatch(/^sent more than the \d+ bytes asked for; retrying in 5 s$/);
  });

  it('blamed for bad data, it is dropped: its runs stop and the picker gives it nothing', async () => {
    let requests = 0;
    const url = await serve(() => requests++);
    const { ws, picker, seed } = setUp(url);
    ws.start();
    await expect.poll(() => requests, { timeout: 5000 }).toBe(2);
    ws.blame(seed, 'sent piece 3, which failed its hash check');
    expect(ws.rows[0]).toMatchObject({ state: 'disabled', message: 'dropped: sent piece 3, which failed its hash check' });
    expect(picker.outstanding(seed)).toBe(0);
    expect(picker.pick(seed, 64)).toEqual([]);
    ws.fill();
    expect(requests).toBe(2);
  });
});
