// Partial seeds (BEP 21) against libtorrent (python3-libtorrent, Debian's /usr/bin/python3): a
// Shoal download that wants one file of two leaves the libtorrent seed it got it from once done,
// and neither side comes back. Bounded; the lab stops libtorrent after it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useInteropLab } from '../../testing/interop-lab';
import { startLibtorrent, untilResumed } from '../../testing/libtorrent';
import { waitFor } from '../../testing/processes';
import { useQuietTorrents } from '../../testing/quiet-torrent';

const lab = useInteropLab('partial-seed', { two: { files: { 'two/a.bin': 16 * 32768, 'two/b.bin': 16 * 32768 }, pieceLengthLog2: 15, tracker: false } });
const torrents = useQuietTorrents();

describe('partial seeds with libtorrent', () => {
  it('a Shoal partial seed and a libtorrent full seed do not stay connected', async () => {
    const t = lab.torrent('two');
    const seed = lab.keep(await startLibtorrent({ dht: false, torrents: [{ torrent: t.torrent, save_path: t.dataDir }] }));
    await untilResumed(seed, true);
    const torrent = torrents.make(t.metainfo, join(await lab.scratch('shoal-partial'), 'out'));
    const skipped = t.metainfo.files.findIndex((f) => f.path.at(-1) === 'b.bin');
    torrent.setFilePriorities([{ index: skipped, priority: 'skip' }]);
    void torrent.start();
    torrent.addPeers([{ host: '127.0.0.1', port: seed.port }], 'tracker');
    await waitFor('file a', () => (torrent.isComplete ? true : undefined), 30_000, 50);
    expect(torrent.storage.have.complete).toBe(false);
    const apart = async () => (torrent.peers.length === 0 && (await seed.status()).torrents[0]?.num_peers === 0 ? true : undefined);
    await waitFor('the two to part', apart, 10_000, 100);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await apart()).toBe(true);
  }, 60_000);
});
