/**
 * Real clients against `shoal tracker` (the CLI, as its own process): aria2 seeds, transmission-cli downloads, both announcing
 * over HTTP and then over UDP. Transmission 3.00 never dials 127.x peers, so the aria2 seeder
 * re-announces every second to learn the leecher and dial it; it is throttled so the transfer
 * lasts long enough to see "1 seeder, 1 leecher" in a scrape.
 *
 * aria2 speaks to UDP trackers only through its DHT socket, so for UDP its DHT switch is on; the
 * torrent is private (BEP 27), for which aria2 (and Transmission) never use DHT, and with no
 * entry point or routing table aria2's DHT has nobody to talk to.
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HttpTrackerClient } from '../engine/tracker/http-tracker-client';
import { UdpTrackerClient } from '../engine/tracker/udp-tracker-client';
import type { ScrapeReply, TrackerClient } from '../engine/tracker/tracker-types';
import { freePort, startProcess, waitFor, type RunningProcess } from '../testing/processes';
import { removeBuiltCli, startShoalTracker } from '../testing/shoal-cli';

const run = promisify(execFile);
let tracker: RunningProcess | undefined;
let dir: string | undefined;
const children: RunningProcess[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.stop()));
  await tracker?.stop();
  tracker = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
}, 20_000);
afterAll(() => removeBuiltCli());

async function infoHashOf(torrent: string): Promise<Buffer> {
  const { stdout } = await run('aria2c', ['-S', torrent]);
  const hex = /Info Hash: ([0-9a-f]{40})/.exec(stdout)?.[1];
  if (!hex) throw new Error('aria2c -S printed no info-hash');
  return Buffer.from(hex, 'hex');
}

function startSeeder(torrent: string, data: string, tmp: string, port: number, udpPort: number | undefined): RunningProcess {
  return startProcess('aria2c', [
    '--interface=127.0.0.1', '--disable-ipv6=true',
    ...(udpPort === undefined ? ['--enable-dht=false'] : ['--enable-dht=true', `--dht-listen-port=${udpPort}`]),
    '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
    `--listen-port=${port}`, `--dir=${data}`,
    '--console-log-level=warn', '--summary-interval=0', '--show-console-readout=false', '--download-result=hide',
    `--dht-file-path=${join(tmp, 'dht.dat')}`, `--dht-file-path6=${join(tmp, 'dht6.dat')}`,
    '--save-session-interval=0', '--auto-save-interval=0',
    '-V', '--seed-ratio=0.0', '--bt-tracker-interval=1', '--max-overall-upload-limit=1M',
    torrent,
  ]);
}

async function startLeecher(torrent: string, out: string, tmp: string, port: number): Promise<RunningProcess> {
  const config = join(tmp, 'config');
  await mkdir(config, { recursive: true });
  await mkdir(out, { recursive: true });
  // No ratio limit: the leecher keeps seeding after completion, so the tracker can count 2 seeders.
  const settings = {
    'bind-address-ipv4': '127.0.0.1', 'bind-address-ipv6': '::1', 'peer-port': port, 'peer-port-random-on-start': false,
    'rpc-enabled': false, 'dht-enabled': false, 'lpd-enabled': false, 'pex-enabled': false, 'utp-enabled': false,
    'port-forwarding-enabled': false, 'blocklist-enabled': false, 'speed-limit-down-enabled': false,
    'speed-limit-up-enabled': false, 'download-dir': out, 'incomplete-dir-enabled': false, 'ratio-limit-enabled': false,
    'message-level': 1,
  };
  await writeFile(join(config, 'settings.json'), JSON.stringify(settings));
  return startProcess('transmission-cli', ['-g', config, '-w', out, '-p', String(port), torrent], { env: { HOME: tmp } });
}

async function swarmTransfer(protocol: 'http' | 'udp'): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), `shoal-tracker-interop-${protocol}-`));
  const shoal = await startShoalTracker(['--interval', '30']);
  tracker = shoal.process;
  const announce = protocol === 'http' ? shoal.httpAnnounceUrl : shoal.udpAnnounceUrl;
  const client: TrackerClient = protocol === 'http' ? new HttpTrackerClient(announce, { timeoutMs: 2000 }) : new UdpTrackerClient(announce, { retryBaseMs: 300, maxRetries: 2 });

  const payload = randomBytes(4 << 20);
  await mkdir(join(dir, 'seed'));
  await writeFile(join(dir, 'seed', 'payload.bin'), payload);
  const torrent = join(dir, 'payload.torrent');
  await run('mktorrent', ['-p', '-a', announce, '-l', '16', '-o', torrent, join(dir, 'seed', 'payload.bin')]);
  const infoHash = await infoHashOf(torrent);
  const scrape = () => client.scrape(infoHash);
  // A scrape that fails (a lost UDP datagram) is one more poll, not a failed test.
  const when = (test: (s: ScrapeReply) => boolean) => async () => {
    const s = await scrape().catch(() => undefined);
    return s && test(s) ? s : undefined;
  };

  await mkdir(join(dir, 'seed-tmp'));
  const seederUdp = protocol === 'udp' ? await freePort() : undefined;
  children.push(startSeeder(torrent, join(dir, 'seed'), join(dir, 'seed-tmp'), await freePort(), seederUdp));
  await waitFor('the seeder to announce', when((s) => s.complete === 1), 20_000, 100);

  children.push(await startLeecher(torrent, join(dir, 'out'), join(dir, 'leech-tmp'), await freePort()));
  const during = await waitFor('the leecher to announce', when((s) => s.incomplete === 1), 20_000, 50);
  expect(during).toMatchObject({ complete: 1, incomplete: 1 });

  const after = await waitFor('the leecher to complete', when((s) => s.complete === 2), 45_000, 200);
  expect(after).toEqual({ complete: 2, incomplete: 0, downloaded: 1 });
  expect((await readFile(join(dir, 'out', 'payload.bin'))).equals(payload)).toBe(true);
}

describe('shoal tracker with aria2 (seeder) and transmission-cli (leecher)', () => {
  it('over HTTP: scrape shows 1 seeder and 1 leecher during the transfer, 2 seeders after', () => swarmTransfer('http'), 90_000);
  it('over UDP: scrape shows 1 seeder and 1 leecher during the transfer, 2 seeders after', () => swarmTransfer('udp'), 90_000);
});
