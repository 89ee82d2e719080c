// The DHT against libtorrent (python3-libtorrent) on 127.0.0.1, with no tracker and no x.pe:
// Shoal downloads a magnet from a libtorrent seeder it finds only through the DHT, and libtorrent
// downloads a magnet from a Shoal seeder it finds only through the DHT. A libtorrent node with no
// torrents is the bootstrap node of both sides. The same both ways with aria2c.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAria2Leecher, startAria2Seeder } from '../testing/clients';
import { useInteropLab, type LabTorrent } from '../testing/interop-lab';
import { startLibtorrent, untilSeeding, type LibtorrentPeer } from '../testing/libtorrent';
import { freePort, waitFor } from '../testing/processes';
import { compareTrees, exitOf, startShoal } from '../testing/shoal-cli';

const MiB = 1024 * 1024;

const lab = useInteropLab('dht-interop', {
  fromLibtorrent: { files: { 'from-libtorrent.bin': 2 * MiB + 123 }, pieceLengthLog2: 15, tracker: false },
  fromShoal: { files: { 'from-shoal/a.bin': MiB + 7, 'from-shoal/b.bin': 300_000 }, pieceLengthLog2: 15, tracker: false },
  fromAria2: { files: { 'from-aria2.bin': MiB + 99 }, pieceLengthLog2: 15, tracker: false },
  toAria2: { files: { 'to-aria2.bin': MiB - 99 }, pieceLengthLog2: 15, tracker: false },
});

const magnetOf = (f: LabTorrent): string => `magnet:?xt=urn:btih:${f.metainfo.infoHashHex}`;

async function router(): Promise<LibtorrentPeer> {
  return lab.keep(await startLibtorrent({}));
}

describe('DHT interop with libtorrent', () => {
  it('shoal download of a bare magnet completes from a libtorrent seeder found only through the DHT', async () => {
    const f = lab.torrent('fromLibtorrent');
    const r = await router();
    const seeder = lab.keep(await startLibtorrent({ dhtNodes: [['127.0.0.1', r.port]], torrents: [{ torrent: f.torrent, save_path: f.dataDir }] }));
    // Until libtorrent's own lookup finds its announce at the router, the swarm cannot be found.
    await waitFor(
      'the libtorrent seeder to be announced on the DHT',
      async () => {
        await seeder.announce(f.metainfo.infoHashHex);
        const found = await seeder.getPeers(f.metainfo.infoHashHex, 3);
        return found.peers.some(([, port]) => port === seeder.port) ? true : undefined;
      },
      30_000,
      500,
    );
    const out = await lab.scratch('dht-out');
    const proc = lab.keep(startShoal(['download', magnetOf(f), '-o', out, '--json', '--dht-bootstrap', `127.0.0.1:${r.port}`]));
    const code = await exitOf(proc, 60_000);
    expect(code, proc.output().slice(-3000)).toBe(0);
    expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
    const status = await seeder.status();
    expect(status.torrents[0]!.is_seeding).toBe(true);
  }, 120_000);

  it('libtorrent downloads a bare magnet from a shoal seed found only through the DHT', async () => {
    const f = lab.torrent('fromShoal');
    const r = await router();
    const port = await freePort();
    const seeder = lab.keep(startShoal(['seed', f.torrent, '--data', f.dataDir, '--port', String(port), '--dht-bootstrap', `127.0.0.1:${r.port}`]));
    await waitFor('the Shoal seeder to check its data', () => (seeder.output().includes('seeding (Ctrl-C to stop)') ? true : undefined), 20_000);
    const out = await lab.scratch('lt-out');
    const leecher = lab.keep(await startLibtorrent({ dhtNodes: [['127.0.0.1', r.port]], torrents: [{ magnet: magnetOf(f), save_path: out }] }));
    const done = await untilSeeding(leecher, 60_000, 500, 'libtorrent to download from the Shoal seeder').catch(async (err: Error) => {
      throw new Error(`${err.message}\n${JSON.stringify(await leecher.status())}\n--- shoal:\n${seeder.output().slice(-2000)}`);
    });
    expect(done.peers.length === 0 || done.peers.every((p) => p.sources.includes('dht'))).toBe(true);
    expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
    expect((await readFile(join(out, 'from-shoal', 'b.bin'))).length).toBe(300_000);
  }, 120_000);

  it('shoal download of a bare magnet completes from an aria2c seeder found only through the DHT', async () => {
    const f = lab.torrent('fromAria2');
    const r = await router();
    const seeder = lab.keep(await startAria2Seeder(f.torrent, f.dataDir, { dhtEntryPort: r.port }));
    const out = await lab.scratch('dht-aria2-out');
    // aria2c announces once its DHT has pinged the router; Shoal's lookups retry (15 s, then 30 s) until then.
    const proc = lab.keep(startShoal(['download', magnetOf(f), '-o', out, '--json', '--dht-bootstrap', `127.0.0.1:${r.port}`]));
    const code = await exitOf(proc, 90_000);
    expect(code, `${proc.output().slice(-2000)}\n--- aria2c:\n${seeder.process.output().slice(-1000)}`).toBe(0);
    expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
  }, 120_000);

  it('aria2c downloads a bare magnet from a shoal seed found only through the DHT', async () => {
    const f = lab.torrent('toAria2');
    const r = await router();
    const port = await freePort();
    const seeder = lab.keep(startShoal(['seed', f.torrent, '--data', f.dataDir, '--port', String(port), '--dht-bootstrap', `127.0.0.1:${r.port}`]));
    await waitFor('the Shoal seeder to check its data', () => (seeder.output().includes('seeding (Ctrl-C to stop)') ? true : undefined), 20_000);
    const out = await lab.scratch('aria2-out');
    const leecher = lab.keep(await startAria2Leecher(magnetOf(f), out, { dhtEntryPort: r.port }));
    const code = await Promise.race([leecher.process.exited, new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 90_000))]);
    expect(code, `${leecher.process.output().slice(-2000)}\n--- shoal:\n${seeder.output().slice(-1000)}`).toBe(0);
    expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
  }, 120_000);
});
