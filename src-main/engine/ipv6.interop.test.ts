// IPv6 on ::1 against aria2c (listening and dialling on ::1 only): Shoal downloads from it and it
// downloads from Shoal; the session's peer port takes IPv6 and IPv4 connections alike. Each test
// is bounded; the lab stops aria2c after it.
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAria2Leecher, startAria2Seeder } from '../testing/clients';
import { useInteropLab } from '../testing/interop-lab';
import { waitFor } from '../testing/processes';
import { useQuietTorrents } from '../testing/quiet-torrent';
import { Session } from './session';
import type { Torrent } from './torrent';

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
