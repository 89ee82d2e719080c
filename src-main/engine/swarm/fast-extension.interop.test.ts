// Fast extension (BEP 6) against libtorrent (python3-libtorrent, Debian's /usr/bin/python3): what a
// Shoal seeder sends it, as libtorrent's own peer log saw it, and its allowed-fast pieces served
// while Shoal chokes it. (libtorrent unchokes new peers at once, even with no upload slots, so
// honouring its allowed-fast pieces while choked is shown with a scripted peer in
// fast-extension.test.ts.) Bounded; the lab stops libtorrent after each test.
import { afterEach, describe, expect, it } from 'vitest';
import { useInteropLab } from '../../testing/interop-lab';
import { startLibtorrent, untilResumed, untilSeeding } from '../../testing/libtorrent';
import { waitFor } from '../../testing/processes';
import { useQuietTorrents } from '../../testing/quiet-torrent';
import { scriptedPeer, type ScriptedPeer } from '../../testing/scripted-peer';
import type { Torrent } from '../torrent';

const PIECES = 64;
const PIECE = 32768;
const lab = useInteropLab('fast-ext', { one: { files: { 'one.bin': PIECES * PIECE }, pieceLengthLog2: 15, tracker: false } });
const scripted: ScriptedPeer[] = [];
afterEach(async () => {
  await Promise.all(scripted.splice(0).map((p) => p.stop()));
});
const torrents = useQuietTorrents();

const start = (savePath: string): Torrent => torrents.start(lab.torrent('one').metainfo, savePath);

describe('fast extension with libtorrent', () => {
  it('a Shoal seeder says have all, gives allowed-fast pieces and suggests cached ones; libtorrent downloads everything', async () => {
    const t = lab.torrent('one');
    const leecher = lab.keep(await startLibtorrent({ dht: false, peerLog: true, torrents: [{ torrent: t.torrent, save_path: await lab.scratch('lt-leech') }] }));
    await untilResumed(leecher, false);
    const seeder = start(t.dataDir);
    await waitFor('the seeder checked its data', () => (seeder.state === 'seeding' ? true : undefined), 20_000, 50);
    seeder.addPeers([{ host: '127.0.0.1', port: leecher.port }], 'tracker');
    await untilSeeding(leecher, 30_000, 200);
    const received = (await leecher.peerMessages()).in;
    expect(received.HAVE_ALL).toBe(1);
    expect(received.BITFIELD).toBeUndefined();
    expect(received.ALLOWED_FAST).toBe(10);
    expect(received.SUGGEST_PIECE).toBeGreaterThan(0);
  }, 60_000);

  it('serves its allowed-fast pieces, and nothing else, to a libtorrent peer it chokes', async () => {
    const t = lab.torrent('one');
    const seeder = start(t.dataDir);
    await waitFor('the seeder checked its data', () => (seeder.state === 'seeding' ? true : undefined), 20_000, 50);
    // Nine interested peers take the eight upload slots at once and the optimistic one at the next
    // choke round, which it keeps for three rounds: libtorrent, coming after, stays choked.
    for (let i = 0; i < 9; i++) scripted.push(await scriptedPeer(t.metainfo, seeder));
    const takers = await Promise.all(scripted.map((p) => p.accepted));
    for (const conn of takers) conn.interested();
    await waitFor('every slot taken', () => (takers.every((c) => !c.peerChoking) ? true : undefined), 10_000, 20);
    const leecher = lab.keep(await startLibtorrent({ dht: false, peerLog: true, torrents: [{ torrent: t.torrent, save_path: await lab.scratch('lt-choked') }] }));
    await untilResumed(leecher, false);
    seeder.addPeers([{ host: '127.0.0.1', port: leecher.port }], 'tracker');
    // What libtorrent holds while Shoal still chokes it (the next choke round may give it a slot).
    let whileChoked = 0;
    await waitFor(
      'allowed-fast pieces while choked',
      async () => {
        const conn = seeder.peers.find((p) => p.address.port === leecher.port)?.conn;
        if (!conn?.amChoking || !conn.peerInterested) return undefined;
        const done = (await leecher.status()).torrents[0]?.total_done ?? 0;
        if (conn.amChoking) whileChoked = Math.max(whileChoked, done);
        return whileChoked >= 10 * PIECE ? true : undefined;
      },
      20_000,
      50,
    );
    expect(whileChoked).toBe(10 * PIECE); // the whole allowed-fast set, not a byte more
    const received = (await leecher.peerMessages()).in;
    expect(received.ALLOWED_FAST).toBe(10);
    expect(received.UNCHOKE).toBeUndefined();
    expect(received.REJECT_PIECE).toBeUndefined();
  }, 60_000);
});
