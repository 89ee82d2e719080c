// uTP (BEP 29) against libtorrent (python3-libtorrent) restricted to uTP, on 127.0.0.1, directly
// and through a lossy UDP relay (2% loss each way, 30 ms delay, reordering), with an in-process
// Shoal session so its peer rows can be read. No tracker: each side is told the other's address.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useInteropLab, type LabTorrent } from '../../testing/interop-lab';
import { startLibtorrent, untilResumed, untilSeeding } from '../../testing/libtorrent';
import { startLossyUdpRelay, type LossyUdpRelay } from '../../testing/lossy-udp-relay';
import { waitFor } from '../../testing/processes';
import { compareTrees } from '../../testing/shoal-cli';
import { Session } from '../session';
import * as views from '../torrent-views';

const MiB = 1024 * 1024;
const badLink = { loss: 0.02, delayMs: 30, jitterMs: 10 };

const lab = useInteropLab('utp-interop', {
  multi: { files: { 'utp/a.bin': 3 * MiB + 17, 'utp/b.bin': 400_000, 'utp/c/d.bin': 9 }, pieceLengthLog2: 16, tracker: false },
  lossy: { files: { 'lossy/a.bin': MiB + 3, 'lossy/b.bin': 200_000 }, pieceLengthLog2: 15, tracker: false },
});

async function shoal(downloadDir: string): Promise<Session> {
  const session = await Session.start({ downloadDir, listenPort: 0, listenHost: '127.0.0.1' });
  lab.keep({ stop: () => session.close() });
  await session.setSettings({ dht: false, lsd: false });
  return session;
}

async function relay(targetPort: number): Promise<LossyUdpRelay> {
  const r = await startLossyUdpRelay(targetPort, badLink);
  lab.keep({ stop: () => r.close() });
  return r;
}

const state = (session: Session, infoHash: string, wanted: string, ms = 90_000) =>
  waitFor(`the torrent to be ${wanted}`, () => (session.torrent(infoHash)?.state === wanted ? true : undefined), ms, 50);

/** Shoal downloads `f` from a uTP-only libtorrent seeder, reached at `port(seeder)`. */
async function fromLibtorrent(f: LabTorrent, via: (seederPort: number) => Promise<number>): Promise<void> {
  const seeder = lab.keep(await startLibtorrent({ dht: false, utp: 'only', torrents: [{ torrent: f.torrent, save_path: f.dataDir }] }));
  const out = await lab.scratch('utp-out');
  const session = await shoal(out);
  const { infoHash } = await session.addTorrent({ source: { kind: 'torrent', data: await readFile(f.torrent) }, savePath: out });
  await state(session, infoHash, 'downloading');
  // Until its queue resumes the torrent, libtorrent closes connections for it after their
  // handshake; a dial before then fails and the next waits for the registry's retry.
  await untilResumed(seeder, true);
  // libtorrent takes TCP and closes it at once; Shoal tries uTP then.
  session.torrent(infoHash)!.addPeers([{ host: '127.0.0.1', port: await via(seeder.port) }], 'magnet');
  const row = await waitFor('the libtorrent seeder in the peer rows', () => views.peers(session.torrent(infoHash)!)[0], 30_000, 20);
  expect(row.transport).toBe('utp');
  expect(row.flags).toContain('P');
  await state(session, infoHash, 'seeding');
  expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
}

/** A uTP-only libtorrent downloads `f` from a Shoal seeder, reached at `port(shoal)`. */
async function toLibtorrent(f: LabTorrent, via: (shoalPort: number) => Promise<number>): Promise<void> {
  const session = await shoal(f.dataDir);
  const { infoHash } = await session.addTorrent({ source: { kind: 'torrent', data: await readFile(f.torrent) }, savePath: f.dataDir });
  await state(session, infoHash, 'seeding');
  const out = await lab.scratch('lt-out');
  const port = await via(session.listenPort);
  const leecher = lab.keep(await startLibtorrent({ dht: false, utp: 'only', torrents: [{ torrent: f.torrent, save_path: out, peers: [['127.0.0.1', port]] }] }));
  const row = await waitFor('the libtorrent leecher in the peer rows', () => views.peers(session.torrent(infoHash)!)[0], 30_000, 20);
  expect(row.transport).toBe('utp');
  await untilSeeding(leecher, 90_000);
  expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
}

const direct = (port: number) => Promise.resolve(port);

describe('uTP interop with libtorrent', () => {
  it('Shoal downloads a multi-file torrent from a uTP-only libtorrent seeder', async () => {
    await fromLibtorrent(lab.torrent('multi'), direct);
  }, 120_000);

  it('a uTP-only libtorrent downloads a multi-file torrent from a Shoal seeder', async () => {
    await toLibtorrent(lab.torrent('multi'), direct);
  }, 120_000);

  it('the same download from libtorrent through a link with 2% loss, reordering and 30 ms delay', async () => {
    let link: LossyUdpRelay | undefined;
    await fromLibtorrent(lab.torrent('lossy'), async (port) => (link = await relay(port)).port);
    expect(link!.stats.dropped).toBeGreaterThan(0);
  }, 150_000);

  it('the same upload to libtorrent through a link with 2% loss, reordering and 30 ms delay', async () => {
    let link: LossyUdpRelay | undefined;
    await toLibtorrent(lab.torrent('lossy'), async (port) => (link = await relay(port)).port);
    expect(link!.stats.dropped).toBeGreaterThan(0);
  }, 150_000);
});
