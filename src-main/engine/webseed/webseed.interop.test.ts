import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTorrent, type FileSpec } from '../../testing/build-torrent';
import { startAria2Seeder } from '../../testing/clients';
import { startHttpServer, type TestHttpServer } from '../../testing/http-server';
import { useInteropLab } from '../../testing/interop-lab';
import { startNginx, type Nginx } from '../../testing/nginx';
import { tempDir, waitFor } from '../../testing/processes';
import { parseMagnet, type Magnet } from '../metainfo/magnet';
import type { Metainfo } from '../metainfo/metainfo';
import { Torrent } from '../torrent';
import { trackers } from '../torrent-views';

// Web seeds (BEP 19) against Debian's nginx: alone, beside a lying web seed, and beside an aria2c seeder.

const lab = useInteropLab('webseed', { shared: { files: { 'shared/a.bin': 3 * 1024 * 1024 + 777, 'shared/b c.bin': 2 * 1024 * 1024 }, pieceLengthLog2: 16, tracker: false } });

let www: { path: string; remove(): Promise<void> };
let nginx: Nginx;
const torrents: Torrent[] = [];
const servers: TestHttpServer[] = [];

beforeAll(async () => {
  www = await tempDir('webseed-www');
  nginx = await startNginx(www.path, { slowRate: '100k' });
}, 30_000);

afterEach(async () => {
  for (const t of torrents.splice(0)) await t.remove(false);
  for (const s of servers.splice(0)) await s.stop();
});

afterAll(async () => {
  await nginx?.stop();
  await www?.remove();
});

function start(from: { metainfo: Metainfo } | { magnet: Magnet }, savePath: string, log: string[] = []): Torrent {
  const t = new Torrent({
    ...from,
    savePath,
    peerId: randomBytes(20),
    listenPort: 1,
    maxConnections: 10,
    events: { finished: () => undefined, failed: (_t, e) => log.push(`failed: ${e.message}`), log: (_t, m) => log.push(m), uploaded: () => undefined, changed: () => undefined, metadataArrived: (torrent) => void torrent.start() },
  });
  torrents.push(t);
  void t.start();
  return t;
}

/** Puts the torrent's files on nginx under `folder`, laid out as BEP 19 expects. */
async function publish(folder: string, metainfo: Metainfo, content: Buffer): Promise<void> {
  for (const f of metainfo.files) {
    const path = metainfo.multiFile ? join(www.path, folder, metainfo.name, ...f.path) : join(www.path, folder, metainfo.name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content.subarray(f.offset, f.offset + f.length));
  }
}

/** The files as one buffer, in torrent order (compared with `equals`: a deep equality of MiB is slow). */
async function savedBytes(metainfo: Metainfo, savePath: string): Promise<Buffer> {
  const parts = metainfo.files.map((f) => readFile(metainfo.multiFile ? join(savePath, metainfo.name, ...f.path) : join(savePath, metainfo.name)));
  return Buffer.concat(await Promise.all(parts));
}

const waitComplete = (t: Torrent, log: string[]) => waitFor(`the download to complete (${log.slice(-5).join(' | ')})`, () => (t.hasMetainfo && t.isComplete && t.state === 'seeding' ? true : undefined), 60_000);

describe('a torrent with only web seeds downloads from them', () => {
  it('single file: the URL names the file itself', async () => {
    const { metainfo, content } = buildTorrent({ name: 'single.iso', pieceLength: 32768, files: [{ path: ['single.iso'], length: 1_500_000 }] });
    await publish('one', metainfo, content);
    const save = await lab.scratch('ws-single');
    const log: string[] = [];
    const t = start({ metainfo: { ...metainfo, urlList: [`${nginx.url}one/single.iso`] } }, save, log);
    await waitComplete(t, log);
    expect(t.storage.have.complete).toBe(true);
    expect((await savedBytes(metainfo, save)).equals(content)).toBe(true);
    expect(trackers(t)).toEqual([expect.objectContaining({ url: `${nginx.url}one/single.iso`, kind: 'web seed', status: 'working', message: null })]);
  }, 90_000);

  it('multi-file: URL + name + path, each segment encoded, pieces spanning files', async () => {
    const files: FileSpec[] = [{ path: ['dir one', 'a#1.bin'], length: 100_000 }, { path: ['b?.bin'], length: 3 }, { path: ['ü', 'c.bin'], length: 700_001 }];
    const { metainfo, content } = buildTorrent({ name: 'many files', pieceLength: 65536, files });
    await publish('multi', metainfo, content);
    const save = await lab.scratch('ws-multi');
    const log: string[] = [];
    // No slash at the end: one is put between the URL and the name.
    const t = start({ metainfo: { ...metainfo, urlList: [`${nginx.url}multi`] } }, save, log);
    await waitComplete(t, log);
    expect((await savedBytes(metainfo, save)).equals(content)).toBe(true);
    expect(t.swarm.totals.hashFailures).toBe(0);
  }, 90_000);
});

describe('a lying web seed beside a good one', () => {
  it('is dropped for its bad data, with the reason in the Trackers tab, and the download completes', async () => {
    const { metainfo, content } = buildTorrent({ name: 'liar.bin', pieceLength: 65536, files: [{ path: ['liar.bin'], length: 2_000_000 }] });
    await publish('good', metainfo, content);
    // Well-formed 206 answers with the right ranges, and wrong bytes.
    const liar = await startHttpServer((req, res) => {
      const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
      const first = Number(m?.[1] ?? 0);
      const last = Number(m?.[2] ?? 0);
      res.writeHead(206, { 'content-range': `bytes ${first}-${last}/${content.length}`, 'content-length': last - first + 1 });
      res.end(randomBytes(last - first + 1));
    });
    servers.push(liar);
    const liarUrl = `${liar.origin}/liar.bin`;
    const save = await lab.scratch('ws-liar');
    const log: string[] = [];
    // The good seed is the throttled path, so the liar's bytes surely arrive before the download ends
    // (on a busy machine an unthrottled nginx could finish everything first and leave nothing to judge).
    const t = start({ metainfo: { ...metainfo, urlList: [liarUrl, `${nginx.url}slow/good/liar.bin`] } }, save, log);
    await waitComplete(t, log);
    expect((await savedBytes(metainfo, save)).equals(content)).toBe(true);
    // A piece the liar sent alone drops it at once; one it shared with the good seed is judged by
    // smart ban once that piece passes, which may be just after the last piece.
    const liarRow = await waitFor(`the liar to be dropped (${JSON.stringify(trackers(t))})`, () => trackers(t).find((r) => r.url === liarUrl && r.status === 'disabled'), 10_000);
    expect(liarRow).toMatchObject({ kind: 'web seed', status: 'disabled' });
    expect(liarRow.message).toMatch(/^dropped: (sent piece \d+, which failed its hash check|sent corrupt data for piece \d+)$/);
    expect(trackers(t).find((r) => r.url !== liarUrl)).toMatchObject({ status: 'working', message: null });
    expect(t.swarm.totals.hashFailures).toBeGreaterThan(0);
  }, 90_000);
});

describe('a web seed and an aria2c seeder', () => {
  it('share the work: both send bytes', async () => {
    const shared = lab.torrent('shared');
    // nginx serves the lab's payload at 100 KiB/s a connection, so the peer has room to help.
    await publish('lab', shared.metainfo, await savedBytes(shared.metainfo, shared.dataDir));
    const aria2 = lab.keep(await startAria2Seeder(shared.torrent, shared.dataDir, { uploadLimit: '600K' }));
    const save = await lab.scratch('ws-aria2');
    const log: string[] = [];
    const t = start({ metainfo: { ...shared.metainfo, urlList: [`${nginx.url}slow/lab/`] } }, save, log);
    t.addPeers([{ host: '127.0.0.1', port: aria2.port }], 'tracker');
    await waitComplete(t, log);
    const fromWeb = t.webSeeds[0]!.downloaded;
    const fromPeers = t.totals.downloaded - fromWeb;
    expect(fromWeb).toBeGreaterThan(0);
    expect(fromPeers, log.join('\n')).toBeGreaterThan(0);
    expect(t.swarm.totals.hashFailures).toBe(0);
  }, 90_000);
});

describe('a magnet link with ws=', () => {
  it('downloads from its web seed once a peer gave the metadata', async () => {
    const shared = lab.torrent('shared');
    const content = await savedBytes(shared.metainfo, shared.dataDir);
    await publish('magnet', shared.metainfo, content);
    // aria2c gives the metadata, and is slow to give data: the web seed does most of the work.
    const aria2 = lab.keep(await startAria2Seeder(shared.torrent, shared.dataDir, { uploadLimit: '100K' }));
    const link = `magnet:?xt=urn:btih:${shared.metainfo.infoHashHex}&ws=${encodeURIComponent(`${nginx.url}magnet/`)}&x.pe=127.0.0.1:${aria2.port}`;
    const save = await lab.scratch('ws-magnet');
    const log: string[] = [];
    const t = start({ magnet: parseMagnet(link) }, save, log);
    await waitComplete(t, log);
    expect((await savedBytes(shared.metainfo, save)).equals(content)).toBe(true);
    expect(t.webSeeds).toEqual([expect.objectContaining({ url: `${nginx.url}magnet/`, state: 'working' })]);
    expect(t.webSeeds[0]!.downloaded).toBeGreaterThan(shared.metainfo.length / 2);
  }, 90_000);
});
