// Protocol encryption (MSE/PE) against libtorrent (python3-libtorrent) and Transmission on
// 127.0.0.1, with an in-process Shoal session so its peer rows and log can be read. No tracker:
// each side is told the other's address.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EncryptionMode } from '../../../src-shared/contract';
import { startTransmissionSeeder } from '../../testing/clients';
import { useInteropLab, type LabTorrent } from '../../testing/interop-lab';
import { startLibtorrent, untilSeeding } from '../../testing/libtorrent';
import { waitFor } from '../../testing/processes';
import { compareTrees } from '../../testing/shoal-cli';
import { Session } from '../session';
import * as views from '../torrent-views';

const MiB = 1024 * 1024;

const lab = useInteropLab('mse-interop', {
  multi: { files: { 'enc/a.bin': 2 * MiB + 11, 'enc/b.bin': 700_000 }, pieceLengthLog2: 15, tracker: false },
});

/** A Shoal session with `encryption`, stopped after the test; `log` collects its lines. */
async function shoal(encryption: EncryptionMode, downloadDir: string): Promise<{ session: Session; log: string[] }> {
  const log: string[] = [];
  const session = await Session.start({ downloadDir, listenPort: 0, listenHost: '127.0.0.1', log: (line) => log.push(line) });
  lab.keep({ stop: () => session.close() });
  await session.setSettings({ encryption, dht: false });
  return { session, log };
}

async function addTorrent(session: Session, f: LabTorrent, savePath: string): Promise<string> {
  const { infoHash } = await session.addTorrent({ source: { kind: 'torrent', data: await readFile(f.torrent) }, savePath });
  return infoHash;
}

const state = (session: Session, infoHash: string, wanted: string) =>
  waitFor(`the torrent to be ${wanted}`, () => (session.torrent(infoHash)?.state === wanted ? true : undefined), 60_000, 50);

/** The libtorrent leecher's torrent once it seeds. */
describe('MSE interop', () => {
  it('Shoal downloads from a libtorrent seeder that requires RC4, and shows the peer as encrypted', async () => {
    const f = lab.torrent('multi');
    const seeder = lab.keep(await startLibtorrent({ dht: false, encryption: 'forced', torrents: [{ torrent: f.torrent, save_path: f.dataDir }] }));
    const out = await lab.scratch('mse-out');
    const { session } = await shoal('prefer', out);
    // Slow enough to look at the peer row while the transfer runs.
    await session.setSettings({ speedLimit: { down: 1024 * 1024, up: 0 } });
    const infoHash = await addTorrent(session, f, out);
    await state(session, infoHash, 'downloading');
    session.torrent(infoHash)!.addPeers([{ host: '127.0.0.1', port: seeder.port }], 'magnet');
    const row = await waitFor('the libtorrent seeder in the peer rows', () => views.peers(session.torrent(infoHash)!)[0], 20_000, 20);
    expect(row.encryption).toBe('rc4');
    expect(row.flags).toContain('E');
    const fromSeeder = (await seeder.status()).torrents[0]!.peers;
    expect(fromSeeder.map((p) => p.encryption)).toEqual(['rc4']);
    await state(session, infoHash, 'seeding');
    expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
  }, 120_000);

  it('libtorrent requiring RC4 downloads from a Shoal seeder that it dials', async () => {
    const f = lab.torrent('multi');
    const { session } = await shoal('prefer', f.dataDir);
    await session.setSettings({ speedLimit: { down: 0, up: 1024 * 1024 } });
    const infoHash = await addTorrent(session, f, f.dataDir);
    await state(session, infoHash, 'seeding');
    const out = await lab.scratch('lt-out');
    const leecher = lab.keep(
      await startLibtorrent({ dht: false, encryption: 'forced', torrents: [{ torrent: f.torrent, save_path: out, peers: [['127.0.0.1', session.listenPort]] }] }),
    );
    const row = await waitFor('the libtorrent leecher in the peer rows', () => views.peers(session.torrent(infoHash)!)[0], 20_000, 20);
    expect(row.encryption).toBe('rc4');
    expect((await untilSeeding(leecher, 60_000)).progress).toBe(1);
    expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
  }, 120_000);

  it('prefer against a libtorrent that requires the encrypted handshake but allows both levels (prefer_rc4 off): the payload is plain, whoever dials', async () => {
    const f = lab.torrent('multi');
    const out = await lab.scratch('handshake-out');
    const { session } = await shoal('prefer', out);
    await session.setSettings({ speedLimit: { down: 1024 * 1024, up: 0 } });
    const infoHash = await addTorrent(session, f, out);
    await state(session, infoHash, 'downloading');
    // Shoal dials this seeder (libtorrent picks the method); the leecher dials Shoal (Shoal picks).
    const seeder = lab.keep(await startLibtorrent({ dht: false, encryption: 'handshake', torrents: [{ torrent: f.torrent, save_path: f.dataDir }] }));
    session.torrent(infoHash)!.addPeers([{ host: '127.0.0.1', port: seeder.port }], 'magnet');
    const row = await waitFor('the libtorrent seeder in the peer rows', () => views.peers(session.torrent(infoHash)!)[0], 20_000, 20);
    expect([row.encryption, row.flags.includes('e'), row.flags.includes('E')]).toEqual(['handshake', true, false]);
    expect((await seeder.status()).torrents[0]!.peers.map((p) => p.encryption)).toEqual(['handshake']);
    await state(session, infoHash, 'seeding');
    expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);

    const ltOut = await lab.scratch('handshake-lt-out');
    await session.setSettings({ speedLimit: { down: 0, up: 1024 * 1024 } });
    const leecher = lab.keep(
      await startLibtorrent({ dht: false, encryption: 'handshake', torrents: [{ torrent: f.torrent, save_path: ltOut, peers: [['127.0.0.1', session.listenPort]] }] }),
    );
    const incoming = await waitFor('the libtorrent leecher in the peer rows', () => views.peers(session.torrent(infoHash)!).find((p) => p.flags.includes('I')), 20_000, 20);
    expect(incoming.encryption).toBe('handshake');
    expect((await leecher.status()).torrents[0]!.peers.map((p) => p.encryption)).toEqual(['handshake']);
    expect((await untilSeeding(leecher, 60_000)).progress).toBe(1);
    expect(await compareTrees(f.payload, join(ltOut, basename(f.payload)))).toEqual([]);
  }, 120_000);

  it('with require, Shoal refuses a plaintext-only libtorrent both ways and says why in its log', async () => {
    const f = lab.torrent('multi');
    const out = await lab.scratch('refuse-out');
    const { session, log } = await shoal('require', out);
    const infoHash = await addTorrent(session, f, out);
    await state(session, infoHash, 'downloading');
    // libtorrent dials Shoal (plain), and Shoal dials libtorrent (encrypted only).
    const torrents = [{ torrent: f.torrent, save_path: f.dataDir, peers: [['127.0.0.1', session.listenPort] as const] }];
    const plain = lab.keep(await startLibtorrent({ dht: false, encryption: 'disabled', torrents }));
    session.torrent(infoHash)!.addPeers([{ host: '127.0.0.1', port: plain.port }], 'magnet');
    await waitFor('the refused dial in the log', () => log.find((l) => l.includes(`not connected to 127.0.0.1:${plain.port}: encryption is required`)), 20_000, 50);
    await waitFor('the refused incoming connection in the log', () => log.find((l) => l.includes('refused a plaintext connection: encryption is required')), 20_000, 50);
    expect(session.torrent(infoHash)!.peers.length).toBe(0);
    expect(session.torrent(infoHash)!.swarm.totals.downloaded).toBe(0);
  }, 120_000);

  it('Shoal downloads from a Transmission seeder that requires encryption (Shoal dials: Transmission never dials 127.x)', async () => {
    const f = lab.torrent('multi');
    const seeder = lab.keep(await startTransmissionSeeder(f.torrent, f.dataDir, { encryption: 2 }));
    const out = await lab.scratch('tr-out');
    const { session } = await shoal('require', out);
    const infoHash = await addTorrent(session, f, out);
    await state(session, infoHash, 'downloading');
    // Transmission checks its data before it answers; keep offering its address until it does.
    const torrent = session.torrent(infoHash)!;
    const timer = setInterval(() => torrent.addPeers([{ host: '127.0.0.1', port: seeder.port }], 'magnet'), 1000);
    try {
      torrent.addPeers([{ host: '127.0.0.1', port: seeder.port }], 'magnet');
      await state(session, infoHash, 'seeding');
    } finally {
      clearInterval(timer);
    }
    expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
  }, 120_000);
});
