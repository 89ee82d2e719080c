// LSD (BEP 14) against libtorrent (python3-libtorrent) in two network namespaces the test makes,
// joined by a veth pair with a multicast route (Shoal in one, libtorrent and a listener in the
// other), with no tracker, no DHT and no PEX: each finds the other by multicast alone. A private
// torrent is never announced. Needs root (as CI has); nothing reaches a real interface.
import bencode from 'bencode';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useInteropLab } from '../../testing/interop-lab';
import { startLibtorrent } from '../../testing/libtorrent';
import { makeNamespacePair, type NamespacePair } from '../../testing/netns';
import { startProcess, waitFor, type RunningProcess } from '../../testing/processes';
import { buildCli, compareTrees, exitOf, removeBuiltCli } from '../../testing/shoal-cli';

const MiB = 1024 * 1024;

const lab = useInteropLab('lsd-interop', {
  toShoal: { files: { 'lsd-to-shoal.bin': 2 * MiB + 5 }, pieceLengthLog2: 15, tracker: false },
  toLibtorrent: { files: { 'lsd-to-lt.bin': MiB + 77 }, pieceLengthLog2: 15, tracker: false },
  private: { files: { 'lsd-private.bin': 300_000 }, pieceLengthLog2: 15, tracker: false },
});

let ns: NamespacePair;
let cli: string;

beforeAll(async () => {
  ns = await makeNamespacePair('lsd');
  cli = await buildCli();
}, 120_000);

afterAll(async () => {
  await ns?.remove();
  await removeBuiltCli();
});

/** The Shoal CLI in namespace a, with the DHT and PEX off: LSD is its only way to find peers. */
function shoalInNs(args: readonly string[]): RunningProcess {
  return lab.keep(startProcess('ip', ns.a.exec(process.execPath, [cli, ...args, '--no-dht', '--no-pex'])));
}

/** Every LSD announce heard in namespace b, one line each. */
function lsdListener(): RunningProcess {
  const code = [
    'import socket, struct, sys',
    's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
    's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
    "s.bind(('', 6771))",
    "s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack('4s4s', socket.inet_aton('239.192.152.143'), socket.inet_aton('0.0.0.0')))",
    "print('listening', flush=True)",
    'while True:',
    '    d, a = s.recvfrom(2000)',
    "    print(d.decode('latin1').replace('\\r\\n', ' | '), flush=True)",
  ].join('\n');
  return lab.keep(startProcess('ip', ns.b.exec('/usr/bin/python3', ['-c', code])));
}

describe('LSD interop with libtorrent, in a network namespace', () => {
  it('shoal download finds a libtorrent seeder by its LSD announce alone', async () => {
    const f = lab.torrent('toShoal');
    const out = await lab.scratch('lsd-out');
    // Shoal first: its own announce at start finds nobody, so the seeder is found by the seeder's announce.
    const shoal = shoalInNs(['download', f.torrent, '-o', out, '--json']);
    await waitFor('Shoal to start', () => (shoal.output().length > 0 ? true : undefined), 20_000, 100);
    lab.keep(await startLibtorrent({ netns: ns.b.name, interface: ns.b.address, dht: false, lsd: true, lsdInterval: 2, torrents: [{ torrent: f.torrent, save_path: f.dataDir }] }));
    const code = await exitOf(shoal, 60_000);
    expect(code, shoal.output().slice(-3000)).toBe(0);
    expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
  }, 120_000);

  it('libtorrent finds a shoal seed by its LSD announce and downloads from it', async () => {
    const f = lab.torrent('toLibtorrent');
    const out = await lab.scratch('lsd-lt');
    // libtorrent first, announcing only at its start (then every 5 minutes): it can find Shoal only by
    // Shoal's announce. It fetches slowly, so its peer list is seen while it downloads.
    const leecher = lab.keep(await startLibtorrent({ netns: ns.b.name, interface: ns.b.address, dht: false, lsd: true, torrents: [{ torrent: f.torrent, save_path: out, download_limit: 256 * 1024 }] }));
    const listener = lsdListener();
    await waitFor('libtorrent’s announce at its start', () => (listener.output().includes(f.metainfo.infoHashHex) ? true : undefined), 30_000, 100);
    // libtorrent sends its announce again a few times in the next seconds; Shoal starts once it is quiet.
    const heard = (): number => listener.output().split(f.metainfo.infoHashHex).length;
    let last = heard();
    await waitFor('libtorrent’s announces to stop for 4 s', async () => {
      await new Promise((r) => setTimeout(r, 4000));
      const now = heard();
      if (now === last) return true;
      last = now;
      return undefined;
    }, 40_000, 0);
    const seed = shoalInNs(['seed', f.torrent, '--data', f.dataDir]);
    const sources = new Set<string>();
    await waitFor(
      'libtorrent to download from the Shoal seed',
      async () => {
        const t = (await leecher.status()).torrents[0];
        for (const p of t?.peers ?? []) p.sources.forEach((s) => sources.add(s));
        return t?.is_seeding ? t : undefined;
      },
      60_000,
      200,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${JSON.stringify(await leecher.status())}\n--- shoal:\n${seed.output().slice(-2000)}`);
    });
    expect([...sources]).toContain('lsd');
    expect(await compareTrees(f.payload, join(out, basename(f.payload)))).toEqual([]);
  }, 120_000);

  it('a private torrent is never announced, while a public one beside it is', async () => {
    const pub = lab.torrent('toShoal');
    const f = lab.torrent('private');
    const decoded = bencode.decode(await readFile(f.torrent)) as { info: Record<string, unknown> };
    decoded.info.private = 1;
    const privateTorrent = join(lab.work, 'private.torrent');
    await writeFile(privateTorrent, bencode.encode(decoded));
    const privateHash = createHash('sha1').update(bencode.encode(decoded.info)).digest('hex');
    const listener = lsdListener();
    await waitFor('the listener to join the group', () => (listener.output().includes('listening') ? true : undefined), 10_000, 50);
    const priv = shoalInNs(['seed', privateTorrent, '--data', f.dataDir]);
    shoalInNs(['seed', pub.torrent, '--data', pub.dataDir]);
    await waitFor('the public torrent’s announce', () => (listener.output().includes(pub.metainfo.infoHashHex) ? true : undefined), 30_000, 100);
    await waitFor('the private seed to be seeding', () => (priv.output().includes('seeding') ? true : undefined), 20_000, 100);
    // Both seeds announce at start; give the private one as long again as the public one needed.
    await new Promise((r) => setTimeout(r, 3000));
    expect(listener.output()).not.toContain(privateHash);
  }, 90_000);
});
