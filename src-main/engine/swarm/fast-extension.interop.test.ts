// Fast extension (BEP 6) against libtorrent (python3-libtorrent, Debian's /usr/bin/python3): what a
// Shoal seeder sends it, as libtorrent's own peer log saw it. (libtorrent unchokes new peers at once,
// even with no upload slots, so honouring its allowed-fast pieces while choked is shown with a
// scripted peer in fast-extension.test.ts.) Bounded; the lab stops libtorrent after it.
import { describe, expect, it } from 'vitest';
import { useInteropLab } from '../../testing/interop-lab';
import { startLibtorrent, untilResumed } from '../../testing/libtorrent';
import { waitFor } from '../../testing/processes';
import { useQuietTorrents } from '../../testing/quiet-torrent';
import type { Torrent } from '../torrent';

const PIECES = 64;
const lab = useInteropLab('fast-ext', { one: { files: { 'one.bin': PIECES * 32768 }, pieceLengthLog2: 15, tracker: false } });
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
    await waitFor('libtorrent to finish', async () => ((await leecher.status()).torrents[0]?.is_seeding ? true : undefined), 30_000, 200);
    const received = (await leecher.peerMessages()).in;
    expect(received.HAVE_ALL).toBe(1);
    expect(received.BITFIELD).toBeUndefined();
    expect(received.ALLOWED_FAST).toBe(10);
    expect(received.SUGGEST_PIECE).toBeGreaterThan(0);
  }, 60_000);
});
