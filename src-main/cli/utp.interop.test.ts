// Two Shoals over uTP through the built CLI, encryption required on both: a `shoal seed
// --transports utp --encryption require` (TCP closed at once, as libtorrent with TCP off) and a
// `shoal download --encryption require` that tries TCP, is closed on, and goes over uTP.
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useInteropLab } from '../testing/interop-lab';
import { freePort, waitFor } from '../testing/processes';
import { compareTrees, exitOf, startShoal } from '../testing/shoal-cli';

const lab = useInteropLab('utp-cli', {
  multi: { files: { 'utp-cli/a.bin': 2 * 1024 * 1024 + 5, 'utp-cli/b/c.bin': 300_000 }, pieceLengthLog2: 15, tracker: false },
});

describe('two Shoals over uTP with encryption required', () => {
  it('a uTP-only seeder serves a leecher that finds it through TCP closing on it; bytes verify', async () => {
    const f = lab.torrent('multi');
    const port = await freePort();
    const seeder = lab.keep(startShoal(['seed', f.torrent, '--data', f.dataDir, '--port', String(port), '--no-dht', '--no-lsd', '--transports', 'utp', '--encryption', 'require']));
    await waitFor('the Shoal seeder to check its data', () => (seeder.output().includes('seeding (Ctrl-C to stop)') ? true : undefined), 20_000);
    const out = await lab.scratch('utp-cli-out');
    const magnet = `magnet:?xt=urn:btih:${f.metainfo.infoHashHex}&x.pe=127.0.0.1:${port}`;
    const leecher = lab.keep(startShoal(['download', magnet, '-o', out, '--no-dht', '--no-lsd', '--encryption', 'require', '--json']));
    const code = await exitOf(leecher, 60_000);
    expect(code, `${leecher.output().slice(-2000)}\n--- seeder:\n${seeder.output().slice(-2000)}`).toBe(0);
    expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
  }, 90_000);
});
