// PEX (BEP 11) against libtorrent (python3-libtorrent) on 127.0.0.1, with no DHT and no LSD:
// Shoal, knowing only peer B from the tracker, learns seeder C from B's PEX and downloads from
// it; and libtorrent learns a peer it was never told of from Shoal's PEX.
import bencode from 'bencode';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useInteropLab, type LabTorrent } from '../../testing/interop-lab';
import { startLibtorrent } from '../../testing/libtorrent';
import { waitFor } from '../../testing/processes';
import { compareTrees } from '../../testing/shoal-cli';
import { Session } from '../session';

const MiB = 1024 * 1024;

const lab = useInteropLab('pex-interop', {
  // Announced to the lab's opentracker; only B announces it there.
  shoalLearns: { files: { 'pex-learned.bin': 3 * MiB + 17 }, pieceLengthLog2: 15 },
  libtorrentLearns: { files: { 'pex-told.bin': 4 * MiB }, pieceLengthLog2: 15, tracker: false },
});

/** The same torrent (same info-hash) without its trackers: a peer that never announces. */
async function trackerless(f: LabTorrent, file: string): Promise<string> {
  const decoded = bencode.decode(await readFile(f.torrent)) as Record<string, unknown>;
  delete decoded.announce;
  delete decoded['announce-list'];
  await writeFile(file, bencode.encode(decoded));
  return file;
}

async function shoalSession(downloadDir: string): Promise<Session> {
  const session = await Session.start({ downloadDir, listenPort: 0, listenHost: '127.0.0.1' });
  lab.keep({ stop: () => session.close() });
  await session.setSettings({ dht: false, lsd: false });
  return session;
}

describe('PEX interop with libtorrent', () => {
  it('Shoal learns seeder C from peer B, the only peer the tracker lists, and downloads from C', async () => {
    const f = lab.torrent('shoalLearns');
    // C exchanges no peers itself: it never hears of Shoal, so any connection between them is Shoal's dial.
    const c = lab.keep(await startLibtorrent({ dht: false, pex: false, torrents: [{ torrent: await trackerless(f, join(lab.work, 'c.torrent')), save_path: f.dataDir }] }));
    const bDir = await lab.scratch('pex-b');
    // B holds nothing and fetches slowly: what Shoal gets, it gets mostly from C.
    const b = lab.keep(
      await startLibtorrent({ dht: false, pex: true, torrents: [{ torrent: f.torrent, save_path: bDir, peers: [['127.0.0.1', c.port]], download_limit: 16 * 1024 }] }),
    );
    await waitFor('B to connect to C', async () => ((await b.status()).torrents[0]?.num_peers ?? 0) > 0 || undefined, 20_000, 200);

    const out = await lab.scratch('pex-shoal');
    const session = await shoalSession(out);
    // A few seconds of download, so the per-peer bytes below are sampled before C and Shoal, both seeds, part.
    await session.setSettings({ speedLimit: { down: MiB, up: 0 } });
    const { infoHash } = await session.addTorrent({ source: { kind: 'torrent', data: await readFile(f.torrent) } });
    const fromC = { learned: false, bytes: 0 };
    await waitFor(
      'Shoal to download from C, learned by PEX',
      () => {
        const t = session.torrent(infoHash);
        for (const p of t?.peers ?? []) {
          if (p.address.port !== c.port) continue;
          fromC.learned ||= p.source === 'pex';
          fromC.bytes = Math.max(fromC.bytes, p.conn.payloadReceived);
        }
        return t?.state === 'seeding' ? true : undefined;
      },
      90_000,
      100,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\nB: ${JSON.stringify(await b.status())}\nC: ${JSON.stringify(await c.status())}`);
    });
    expect(fromC.learned).toBe(true);
    // B fetches at 16 KiB/s: nearly everything came from C.
    expect(fromC.bytes).toBeGreaterThan(2 * MiB);
    expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
  }, 150_000);

  it('libtorrent learns a peer from Shoal’s PEX and connects to it', async () => {
    const f = lab.torrent('libtorrentLearns');
    const session = await shoalSession(f.dataDir);
    // Slow uploads keep both libtorrent peers leeching (two seeds would not connect).
    await session.setSettings({ speedLimit: { down: 0, up: 64 * 1024 } });
    const { infoHash } = await session.addTorrent({ source: { kind: 'torrent', data: await readFile(f.torrent) } });
    await waitFor('Shoal to seed', () => (session.torrent(infoHash)?.state === 'seeding' ? true : undefined), 20_000, 100);
    // L2 is dialled by Shoal; L1 dials Shoal. Neither is told of the other. L2 speaks no PEX, so
    // only L1 learns and dials: when two libtorrent 2.0.8 peers learn of each other at once and
    // dial each other, each closes one connection as a "duplicate peer-id" and the other end's
    // close takes the second (its alerts show both gone), and they back off past this test's bound.
    const l2 = lab.keep(await startLibtorrent({ dht: false, pex: false, torrents: [{ torrent: f.torrent, save_path: await lab.scratch('pex-l2') }] }));
    session.torrent(infoHash)!.addPeers([{ host: '127.0.0.1', port: l2.port }], 'tracker');
    const l1 = lab.keep(
      await startLibtorrent({ dht: false, pex: true, torrents: [{ torrent: f.torrent, save_path: await lab.scratch('pex-l1'), peers: [['127.0.0.1', session.listenPort]] }] }),
    );
    const found = await waitFor(
      'libtorrent L1 to connect to L2, learned from Shoal by PEX',
      // L1 was told only of Shoal, and PEX never names its sender: a PEX peer that is not Shoal is L2.
      async () => (await l1.status()).torrents[0]?.peers.find((p) => p.port !== session.listenPort && p.sources.includes('pex')),
      45_000,
      300,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\nL1: ${JSON.stringify(await l1.status())}\nL2: ${JSON.stringify(await l2.status())}`);
    });
    expect(found.sources).not.toContain('tracker');
  }, 120_000);
});
