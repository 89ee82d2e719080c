// `--encryption` through the built CLI: a `shoal seed --encryption require` refuses a plaintext
// libtorrent peer, saying so on stderr, and serves a libtorrent that requires RC4.
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useInteropLab } from '../testing/interop-lab';
import { startLibtorrent, untilSeeding } from '../testing/libtorrent';
import { freePort, waitFor } from '../testing/processes';
import { compareTrees, startShoal } from '../testing/shoal-cli';

const lab = useInteropLab('encryption-cli', {
  payload: { files: { 'enc-cli.bin': 1024 * 1024 + 5 }, pieceLengthLog2: 15, tracker: false },
});

describe('shoal seed --encryption require', () => {
  it('refuses a plaintext-only peer with the reason on stderr, and seeds to one that requires RC4', async () => {
    const f = lab.torrent('payload');
    const port = await freePort();
    const seeder = lab.keep(startShoal(['seed', f.torrent, '--data', f.dataDir, '--port', String(port), '--no-dht', '--no-lsd', '--encryption', 'require']));
    await waitFor('the Shoal seeder to check its data', () => (seeder.output().includes('seeding (Ctrl-C to stop)') ? true : undefined), 20_000);
    const peers = [['127.0.0.1', port] as const];

    const plainOut = await lab.scratch('plain-out');
    lab.keep(await startLibtorrent({ dht: false, encryption: 'disabled', torrents: [{ torrent: f.torrent, save_path: plainOut, peers }] }));
    await waitFor('the refusal on stderr', () => (seeder.output().includes('refused a plaintext connection: encryption is required (from 127.0.0.1)') ? true : undefined), 20_000);

    const out = await lab.scratch('rc4-out');
    const leecher = lab.keep(await startLibtorrent({ dht: false, encryption: 'forced', torrents: [{ torrent: f.torrent, save_path: out, peers }] }));
    await untilSeeding(leecher, 60_000, 250, 'libtorrent (RC4 required) to download from the Shoal seeder').catch((err: Error) => {
      throw new Error(`${err.message}\n--- shoal:\n${seeder.output().slice(-2000)}`);
    });
    expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
  }, 120_000);
});
