// IPv6 on ::1 against aria2c and libtorrent (listening and dialling on ::1 only): Shoal downloads
// from each and each downloads from Shoal; with libtorrent the two learn of each other only from
// `shoal tracker` on ::1 (HTTP: peers6; UDP: 18-byte peers), so Shoal's announces over IPv6 are
// exercised too. The session's peer port takes IPv6 and IPv4 connections alike. Each test is
// bounded; the lab stops the clients after it.
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mktorrent, startAria2Leecher, startAria2Seeder } from '../testing/clients';
import { useInteropLab } from '../testing/interop-lab';
import { startLibtorrent, untilResumed, untilSeeding } from '../testing/libtorrent';
import { waitFor } from '../testing/processes';
import { useQuietTorrents } from '../testing/quiet-torrent';
import { startTrackerServer, type TrackerServer } from '../tracker-server/tracker-server';
import { Session } from './session';
import type { Torrent } from './torrent';
import * as views from './torrent-views';

const lab = useInteropLab('ipv6', { one: { files: { 'one.bin': 3 * 1024 * 1024 + 1234 }, pieceLengthLog2: 16, tracker: false } });
const torrents = useQuietTorrents();

const start = (savePath: string): Torrent => torrents.start(lab.torrent('one').metainfo, savePath);

/** Whether a TCP connection to host:port is accepted. */
const reach = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, host, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

describe('IPv6', () => {
  it('Shoal downloads from an aria2c seeder on ::1 only, and shows it as [::1]:port', async () => {
    const t = lab.torrent('one');
    const seeder = lab.keep(await startAria2Seeder(t.torrent, t.dataDir, { ipv6: true }));
    const out = join(await lab.scratch('shoal-v6'), 'out');
    const torrent = start(out);
    // aria2c takes a moment to check its data and listen; a first dial refused would wait for the retry.
    await waitFor('aria2c to listen on ::1', async () => ((await reach('::1', seeder.port)) ? true : undefined), 20_000, 100);
    torrent.addPeers([{ host: '::1', port: seeder.port }], 'tracker');
    const peer = await waitFor('a connection', () => torrent.peers[0], 20_000, 10);
    const shown = peer.key;
    await waitFor('the download', () => (torrent.isComplete ? true : undefined), 30_000, 100);
    expect(shown).toBe(`[::1]:${seeder.port}`);
    expect((await readFile(join(out, 'one.bin'))).equals(await readFile(t.payload))).toBe(true);
  }, 60_000);

  it('aria2c on ::1 only downloads from a Shoal seeder', async () => {
    const t = lab.torrent('one');
    const out = await lab.scratch('aria2-v6');
    const leecher = lab.keep(await startAria2Leecher(t.torrent, out, { ipv6: true }));
    const seeder = start(t.dataDir);
    await waitFor('the seeder checked its data', () => (seeder.state === 'seeding' ? true : undefined), 20_000, 50);
    let exit: number | null | undefined;
    void leecher.process.exited.then((code) => (exit = code));
    await waitFor('aria2c to listen on ::1', async () => ((await reach('::1', leecher.port)) ? true : undefined), 20_000, 100);
    seeder.addPeers([{ host: '::1', port: leecher.port }], 'tracker');
    await waitFor('aria2c to finish', () => (exit !== undefined ? true : undefined), 30_000, 100);
    expect(exit).toBe(0);
    expect((await readFile(join(out, 'one.bin'))).equals(await readFile(t.payload))).toBe(true);
  }, 60_000);

  /** `shoal tracker` on ::1 only, and the lab's torrent announcing to it over `scheme`. */
  async function trackerOnLoopback6(scheme: 'http' | 'udp'): Promise<{ tracker: TrackerServer; torrent: string }> {
    const tracker = await startTrackerServer({ http: { host: '::1', port: 0 }, udp: { host: '::1', port: 0 }, interval: 2 });
    lab.keep({ stop: () => tracker.close() });
    const port = scheme === 'http' ? tracker.httpPort : tracker.udpPort;
    const t = lab.torrent('one');
    const torrent = await mktorrent(t.payload, join(await lab.scratch(`torrent-${scheme}`), 'one.torrent'), { announce: [`${scheme}://[::1]:${port}/announce`], pieceLengthLog2: 16 });
    return { tracker, torrent };
  }

  /** A session on a dual-stack port with only trackers to find peers. */
  async function quietSession(label: string): Promise<Session> {
    const session = await Session.start({ downloadDir: await lab.scratch(label), listenPort: 0 });
    lab.keep({ stop: () => session.close() });
    await session.setSettings({ dht: false, lsd: false, pex: false, announceInterval: 1 });
    return session;
  }

  it('Shoal finds a libtorrent seeder on ::1 only through an HTTP tracker on ::1 (peers6) and downloads from it', async () => {
    const t = lab.torrent('one');
    const { tracker, torrent } = await trackerOnLoopback6('http');
    const seed = lab.keep(await startLibtorrent({ interface: '[::1]', dht: false, torrents: [{ torrent, save_path: t.dataDir }] }));
    await untilResumed(seed, true);
    await waitFor('libtorrent to announce over IPv6', () => (tracker.store.peerCount === 1 ? true : undefined), 20_000, 50);
    const session = await quietSession('shoal-http6');
    const out = await lab.scratch('shoal-http6-out');
    const { infoHash } = await session.addTorrent({ source: { kind: 'torrent', data: await readFile(torrent) }, savePath: out });
    const shoal = session.torrent(infoHash)!;
    // What the Peers tab shows for it (its Address column): the bracketed form, from the tracker (T).
    const row = await waitFor('a connection to the peer the tracker gave', () => views.peers(shoal)[0], 20_000, 10);
    expect([row.address, row.source]).toEqual([`[::1]:${seed.port}`, 'tracker']);
    await waitFor('the download', () => (shoal.isComplete ? true : undefined), 30_000, 100);
    expect((await readFile(join(out, 'one.bin'))).equals(await readFile(t.payload))).toBe(true);
    expect(tracker.store.peerCount).toBe(2); // Shoal announced over IPv6 as well
  }, 60_000);

  it('libtorrent on ::1 only downloads from a Shoal seeder, the two meeting through a UDP tracker on ::1 (18-byte peers)', async () => {
    const t = lab.torrent('one');
    const { tracker, torrent } = await trackerOnLoopback6('udp');
    const session = await quietSession('shoal-udp6');
    const { infoHash } = await session.addTorrent({ source: { kind: 'torrent', data: await readFile(torrent) }, savePath: t.dataDir });
    await waitFor('Shoal to announce over IPv6', () => (tracker.store.peerCount === 1 ? true : undefined), 20_000, 50);
    const out = await lab.scratch('libtorrent-udp6');
    const leecher = lab.keep(await startLibtorrent({ interface: '[::1]', dht: false, torrents: [{ torrent, save_path: out }] }));
    await untilSeeding(leecher, 40_000, 100);
    // libtorrent, on ::1 only and with the tracker its one source, got every byte from Shoal.
    expect(tracker.store.peerCount).toBe(2);
    expect(session.torrent(infoHash)!.swarm.totals.uploaded).toBeGreaterThanOrEqual(t.metainfo.length);
    expect((await readFile(join(out, 'one.bin'))).equals(await readFile(t.payload))).toBe(true);
  }, 60_000);

  it('the peer port takes connections over IPv6 and IPv4', async () => {
    const session = await Session.start({ downloadDir: await lab.scratch('session'), listenPort: 0 });
    try {
      expect(await reach('::1', session.listenPort)).toBe(true);
      expect(await reach('127.0.0.1', session.listenPort)).toBe(true);
    } finally {
      await session.close();
    }
  }, 30_000);
});
