// Test support: Debian's real BitTorrent programs, bound to 127.0.0.1 with DHT, LSD, PEX and UPnP off.
import { execFile } from 'node:child_process';
import { mkdir, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startProcess, tempDir, waitFor, type RunningProcess } from './processes';

const run = promisify(execFile);

export interface Tracker {
  readonly httpUrl: string;
  readonly udpUrl: string;
  stop(): Promise<void>;
}

/**
 * Debian's opentracker on 127.0.0.1, TCP and UDP on one port. That build requires an allow-list,
 * and as root it chroots into `-d` (then runs as nobody), so the list is written inside that
 * folder and named from its root.
 */
export async function startOpentracker(infoHashesHex: readonly string[], port?: number): Promise<Tracker> {
  const dir = await tempDir('opentracker');
  await chmod(dir.path, 0o755);
  await writeFile(join(dir.path, 'allow'), infoHashesHex.map((h) => `${h}\n`).join(''), { mode: 0o644 });
  port ??= await freePort();
  const chroots = process.getuid?.() === 0;
  const allowList = chroots ? '/allow' : join(dir.path, 'allow');
  const proc = startProcess('opentracker', ['-i', '127.0.0.1', '-p', String(port), '-P', String(port), '-w', allowList, '-d', dir.path]);
  try {
    await waitFor('opentracker to answer', async () => {
      if (proc.child.exitCode !== null) throw new Error(`opentracker exited: ${proc.output().slice(-2000)}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/scrape`, { signal: AbortSignal.timeout(1000) });
        return res.ok ? true : undefined;
      } catch {
        return undefined;
      }
    }, 10_000, 100);
  } catch (err) {
    await proc.stop();
    await dir.remove();
    throw err;
  }
  return {
    httpUrl: `http://127.0.0.1:${port}/announce`,
    udpUrl: `udp://127.0.0.1:${port}/announce`,
    async stop() {
      await proc.stop();
      await dir.remove();
    },
  };
}

/** Makes a .torrent with Debian's mktorrent; returns its path. */
export async function mktorrent(dataPath: string, out: string, options: { announce?: readonly string[]; pieceLengthLog2?: number } = {}): Promise<string> {
  const args = ['-o', out, '-l', String(options.pieceLengthLog2 ?? 15), '-n', dataPath.split('/').pop()!];
  for (const url of options.announce ?? []) args.push('-a', url);
  args.push(dataPath);
  await run('mktorrent', args);
  return out;
}

/** With `ipv6`, aria2c listens and dials on ::1 only (IPv6 tests); otherwise on 127.0.0.1 only. */
const aria2Common = (dir: string, port: number, tmp: string, ipv6 = false) => [
  ...(ipv6 ? ['--interface=::1', '--disable-ipv6=false'] : ['--interface=127.0.0.1', '--disable-ipv6=true']),
  '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
  `--listen-port=${port}`, `--dir=${dir}`,
  '--console-log-level=warn', '--summary-interval=0', '--show-console-readout=false', '--download-result=hide',
  `--dht-file-path=${tmp}/dht.dat`, `--dht-file-path6=${tmp}/dht6.dat`,
  '--save-session-interval=0', '--auto-save-interval=0', '--file-allocation=none',
  '--bt-max-peers=0', // no cap: every test peer shares 127.0.0.1
];

/** aria2c's DHT on, starting from the DHT node at 127.0.0.1:`entryPort` (it listens on `listenPort`). */
const aria2Dht = (entryPort: number, listenPort: number) => ['--enable-dht=true', `--dht-listen-port=${listenPort}`, `--dht-entry-point=127.0.0.1:${entryPort}`];

export interface Peer {
  readonly port: number;
  readonly process: RunningProcess;
  stop(): Promise<void>;
}

/**
 * aria2c seeding `torrent` from `dataDir`. It re-announces every second, so it learns of new
 * leechers and dials them (Transmission never dials 127.0.0.1 peers itself).
 */
export async function startAria2Seeder(torrent: string, dataDir: string, options: { uploadLimit?: string; rpcPort?: number; ipv6?: boolean; dhtEntryPort?: number } = {}): Promise<Peer> {
  const port = await freePort();
  const tmp = await tempDir('aria2-seed');
  const args = [...aria2Common(dataDir, port, tmp.path, options.ipv6), '-V', '--seed-ratio=0.0', '--bt-tracker-interval=1', '--bt-seed-unverified=false'];
  if (options.uploadLimit) args.push(`--max-overall-upload-limit=${options.uploadLimit}`);
  // JSON-RPC on 127.0.0.1 only, for tests that ask aria2 what it sent (see aria2Uploaded).
  if (options.rpcPort) args.push('--enable-rpc=true', `--rpc-listen-port=${options.rpcPort}`, '--rpc-listen-all=false');
  if (options.dhtEntryPort) args.push(...aria2Dht(options.dhtEntryPort, await freePort()));
  const proc = startProcess('aria2c', [...args, torrent]);
  return { port, process: proc, stop: async () => { await proc.stop(); await tmp.remove(); } };
}

/** aria2c downloading `torrent` into `outDir`; `exited` resolves when it is complete (seed-time 0). */
export async function startAria2Leecher(torrent: string, outDir: string, options: { downloadLimit?: string; ipv6?: boolean; dhtEntryPort?: number } = {}): Promise<Peer> {
  const port = await freePort();
  const tmp = await tempDir('aria2-leech');
  const args = [...aria2Common(outDir, port, tmp.path, options.ipv6), '--seed-time=0', '--bt-tracker-interval=1'];
  if (options.downloadLimit) args.push(`--max-download-limit=${options.downloadLimit}`);
  if (options.dhtEntryPort) args.push(...aria2Dht(options.dhtEntryPort, await freePort()));
  const proc = startProcess('aria2c', [...args, torrent]);
  return { port, process: proc, stop: async () => { await proc.stop(); await tmp.remove(); } };
}

/** Transmission's `encryption`: 0 prefers plaintext, 1 prefers encryption (its default), 2 requires it. */
type TransmissionEncryption = 0 | 1 | 2;

async function transmissionSettings(cfg: string, dir: string, port: number, rpcPort: number, watch: string | null, ratioLimitZero: boolean, encryption: TransmissionEncryption = 1): Promise<void> {
  await mkdir(cfg, { recursive: true });
  const settings = {
    'bind-address-ipv4': '127.0.0.1', 'bind-address-ipv6': '::1',
    'peer-port': port, 'peer-port-random-on-start': false,
    'rpc-enabled': true, 'rpc-bind-address': '127.0.0.1', 'rpc-port': rpcPort, 'rpc-authentication-required': false,
    'rpc-whitelist-enabled': true, 'rpc-whitelist': '127.0.0.1', 'rpc-host-whitelist-enabled': false,
    'dht-enabled': false, 'lpd-enabled': false, 'pex-enabled': false, 'utp-enabled': false,
    'port-forwarding-enabled': false, 'blocklist-enabled': false,
    'speed-limit-down-enabled': false, 'speed-limit-up-enabled': false, 'alt-speed-enabled': false, 'alt-speed-time-enabled': false,
    'download-dir': dir, 'incomplete-dir-enabled': false,
    'watch-dir-enabled': watch !== null, 'watch-dir': watch ?? '', 'start-added-torrents': true,
    'idle-seeding-limit-enabled': false, 'ratio-limit-enabled': ratioLimitZero, 'ratio-limit': 0, 'message-level': 2,
    encryption,
  };
  await writeFile(join(cfg, 'settings.json'), JSON.stringify(settings, null, 1));
}

/** transmission-daemon seeding `torrent` from `dataDir` (picked up from a watch folder). */
export async function startTransmissionSeeder(torrent: string, dataDir: string, options: { encryption?: TransmissionEncryption } = {}): Promise<Peer> {
  const port = await freePort();
  const rpcPort = await freePort();
  const tmp = await tempDir('tr-seed');
  const watch = join(tmp.path, 'watch');
  await mkdir(watch, { recursive: true });
  await transmissionSettings(join(tmp.path, 'config'), dataDir, port, rpcPort, watch, false, options.encryption);
  await run('cp', [torrent, watch]);
  const proc = startProcess('transmission-daemon', ['-f', '-g', join(tmp.path, 'config')]);
  return { port, process: proc, stop: async () => { await proc.stop(); await tmp.remove(); } };
}

/** transmission-cli downloading into `outDir`; it exits once complete (ratio limit 0). */
export async function startTransmissionLeecher(torrent: string, outDir: string): Promise<Peer> {
  const port = await freePort();
  const rpcPort = await freePort();
  const tmp = await tempDir('tr-leech');
  const cfg = join(tmp.path, 'config');
  await transmissionSettings(cfg, outDir, port, rpcPort, null, true);
  const proc = startProcess('transmission-cli', ['-g', cfg, '-w', outDir, '-p', String(port), torrent], { env: { HOME: tmp.path } });
  return { port, process: proc, stop: async () => { await proc.stop(); await tmp.remove(); } };
}

/** Bytes an aria2c started with `rpcPort` has uploaded for its one torrent. */
export async function aria2Uploaded(rpcPort: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${rpcPort}/jsonrpc`, {
    method: 'POST',
    body: JSON.stringify({ jsonrpc: '2.0', id: '1', method: 'aria2.tellActive', params: [['uploadLength']] }),
  });
  const reply = (await res.json()) as { result?: { uploadLength: string }[] };
  return reply.result?.reduce((sum, d) => sum + Number(d.uploadLength), 0) ?? 0;
}
