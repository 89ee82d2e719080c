// Magnet links against real clients on 127.0.0.1: `shoal download 'magnet:?…'` from aria2c (which
// serves the metadata over BEP 9) found through opentracker and from another Shoal named by x.pe;
// and aria2c resolving a magnet link from a Shoal seeder.
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAria2Leecher, startAria2Seeder } from '../testing/clients';
import { useInteropLab, type LabTorrent } from '../testing/interop-lab';
import { freePort, waitFor } from '../testing/processes';
import { compareTrees, exitOf, startShoal } from '../testing/shoal-cli';

const MiB = 1024 * 1024;

// 32 KiB pieces: a 3 MiB torrent has an info dictionary of two BEP 9 pieces, so both are asked for.
const lab = useInteropLab('magnet-interop', {
  aria2: { files: { 'from aria2.bin': 3 * MiB + 4321 }, pieceLengthLog2: 15 },
  shoal: { files: { 'from-shoal/a.bin': 2 * MiB + 17, 'from-shoal/b/c.bin': 1 * MiB - 3 }, pieceLengthLog2: 15, tracker: false },
  served: { files: { 'served.bin': 3 * MiB - 1 }, pieceLengthLog2: 15 },
});

const hashOf = (f: LabTorrent): string => f.metainfo.infoHashHex;
const nameOf = (f: LabTorrent): string => basename(f.payload);

/** Runs `shoal download <magnet>` into a fresh folder, checks the bytes, returns its JSON lines. */
async function downloadMagnet(f: LabTorrent, magnet: string, timeoutMs: number, peersSaid: () => string): Promise<{ type: string; state?: string; name?: string }[]> {
  const out = await lab.scratch('magnet-out');
  const proc = lab.keep(startShoal(['download', magnet, '-o', out, '--json', '--announce-interval', '1']));
  const code = await exitOf(proc, timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}\n--- the seeder said:\n${peersSaid()}`);
  });
  expect(code, proc.output()).toBe(0);
  expect(await compareTrees(f.payload, join(out, nameOf(f)))).toEqual([]);
  return proc
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { type: string; state?: string; name?: string });
}

describe('shoal download of a magnet link', () => {
  it('fetches the metadata from an aria2c seeder found through opentracker, then the data', async () => {
    const f = lab.torrent('aria2');
    const seeder = lab.keep(await startAria2Seeder(f.torrent, f.dataDir));
    const magnet = `magnet:?xt=urn:btih:${hashOf(f)}&dn=${encodeURIComponent('from aria2')}&tr=${encodeURIComponent(lab.trackerUrl)}`;
    const lines = await downloadMagnet(f, magnet, 60_000, () => seeder.process.output().slice(-2000));
    const summary = lines.find((l) => l.type === 'summary');
    expect(summary).toMatchObject({ state: 'seeding', name: nameOf(f) });
  }, 90_000);

  it('fetches the metadata and the data from another Shoal named by x.pe, with no tracker', async () => {
    const f = lab.torrent('shoal');
    const port = await freePort();
    const seeder = lab.keep(startShoal(['seed', f.torrent, '--data', f.dataDir, '--port', String(port)]));
    await waitFor('the Shoal seeder to check its data', () => (seeder.output().includes('seeding (Ctrl-C to stop)') ? true : undefined), 20_000);
    const magnet = `magnet:?xt=urn:btih:${hashOf(f)}&x.pe=127.0.0.1:${port}`;
    const lines = await downloadMagnet(f, magnet, 60_000, () => seeder.output().slice(-2000));
    expect(lines.find((l) => l.type === 'summary')).toMatchObject({ state: 'seeding', name: 'from-shoal' });
  }, 90_000);

  it('serves the metadata to aria2c, which resolves a magnet link from a Shoal seeder', async () => {
    const f = lab.torrent('served');
    const seeder = lab.keep(startShoal(['seed', f.torrent, '--data', f.dataDir, '--announce-interval', '1']));
    await waitFor('the Shoal seeder to check its data', () => (seeder.output().includes('seeding (Ctrl-C to stop)') ? true : undefined), 20_000);
    const out = await lab.scratch('aria2-magnet');
    const leecher = lab.keep(await startAria2Leecher(`magnet:?xt=urn:btih:${hashOf(f)}&tr=${encodeURIComponent(lab.trackerUrl)}`, out));
    const code = await exitOf(leecher.process, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n--- the Shoal seeder said:\n${seeder.output().slice(-2000)}`);
    });
    expect(code, leecher.process.output()).toBe(0);
    expect(await compareTrees(f.payload, join(out, nameOf(f)))).toEqual([]);
  }, 90_000);

  it('refuses an invalid magnet link with a one-sentence error', async () => {
    const out = await lab.scratch('magnet-bad');
    const proc = lab.keep(startShoal(['download', 'magnet:?xt=urn:btih:1234', '-o', out]));
    expect(await exitOf(proc, 20_000)).toBe(1);
    expect(proc.output()).toMatch(/error: Invalid magnet link: its info-hash must be 40 hex digits or 32 base32 characters\./);
  }, 30_000);
});
