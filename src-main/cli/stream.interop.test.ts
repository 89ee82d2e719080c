// `shoal stream` on a magnet link against a throttled aria2c seeder found through opentracker:
// the address it prints is read to the end by curl, byte for byte, while the torrent downloads.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startAria2Seeder } from '../testing/clients';
import { useInteropLab } from '../testing/interop-lab';
import { waitFor } from '../testing/processes';
import { exitOf, startShoal } from '../testing/shoal-cli';

const lab = useInteropLab('stream-interop', {
  clip: { files: { 'clip.webm': 3 * 1024 * 1024 + 999 }, pieceLengthLog2: 16 },
});

describe('shoal stream', () => {
  it('prints an address for a magnet link that curl reads to the end, byte-identical', async () => {
    const f = lab.torrent('clip');
    const seeder = lab.keep(await startAria2Seeder(f.torrent, f.dataDir, { uploadLimit: '400K' }));
    const magnet = `magnet:?xt=urn:btih:${f.metainfo.infoHashHex}&tr=${encodeURIComponent(lab.trackerUrl)}`;
    const out = await lab.scratch('stream-out');
    const proc = lab.keep(startShoal(['stream', magnet, '-o', out, '--announce-interval', '1', '--no-dht', '--no-lsd']));
    const url = await waitFor('the stream address', () => /http:\/\/127\.0\.0\.1:\d+\/stream\/cap\/\S+/.exec(proc.output())?.[0], 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${proc.output()}\n--- seeder:\n${seeder.process.output().slice(-1500)}`);
    });
    expect(proc.output()).toContain('clip.webm (video/webm) streams at');
    const got = join(out, 'curl.webm');
    await promisify(execFile)('curl', ['--silent', '--show-error', '--fail', '--max-time', '60', '-o', got, url]);
    expect((await readFile(got)).equals(await readFile(f.payload))).toBe(true);
    proc.child.kill('SIGINT');
    expect(await exitOf(proc, 15_000)).toBe(0);
  }, 120_000);

  it('refuses a file number the torrent does not have, and a player it does not know', async () => {
    const f = lab.torrent('clip');
    const unknownPlayer = lab.keep(startShoal(['stream', f.torrent, '--player', 'winamp']));
    expect(await exitOf(unknownPlayer, 15_000)).toBe(1);
    expect(unknownPlayer.output()).toContain('--player is mpv or vlc, not "winamp"');
    const out = await lab.scratch('stream-bad-file');
    const badFile = lab.keep(startShoal(['stream', f.torrent, '--file', '2', '-o', out, '--no-dht', '--no-lsd']));
    expect(await exitOf(badFile, 30_000)).toBe(1);
    expect(badFile.output()).toContain('--file 2: the torrent has 1 file');
  }, 60_000);
});
