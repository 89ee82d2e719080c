// PeerConnection against real clients (aria2c, qBittorrent/libtorrent, Transmission) seeding a
// torrent made by mktorrent, all on 127.0.0.1 with DHT/LSD/PEX/UPnP off.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startProcess, waitFor, type RunningProcess } from '../../testing/processes';
import type { Metainfo } from '../metainfo/metainfo';
import { parseTorrent } from '../metainfo/parse-torrent';
import type { BlockRef } from './messages';
import { PeerConnection } from './peer-connection';
import { clientFromPeerId, generatePeerId } from './peer-id';
import { encodeMetadataMessage, MetadataAssembler, parseMetadataMessage, UT_METADATA } from './ut-metadata';

const run = promisify(execFile);
const PIECE = 32 * 1024;
const PAYLOAD = 5 * PIECE + 1234; // a short last piece

let dir: string;
let payload: Buffer;
let torrentPath: string;
let meta: Metainfo;

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(undefined));
  });
}

/** A seeder in its own process group, so one stop takes it and its children down. */
class Seeder {
  #process: RunningProcess | undefined;
  port = 0;

  async start(command: string, args: (port: number, rpcPort: number, home: string) => string[], setup?: (port: number, rpcPort: number, home: string) => Promise<void>): Promise<void> {
    this.port = await freePort();
    const rpcPort = await freePort();
    const home = await mkdtemp(join(dir, `${command}-`));
    await setup?.(this.port, rpcPort, home);
    this.#process = startProcess(command, args(this.port, rpcPort, home), { env: { HOME: home } });
    await waitFor(`${command} to listen on port ${this.port}`, () => listening(this.port), 20_000, 100);
  }

  async stop(): Promise<void> {
    await this.#process?.stop(0);
  }
}

interface Fetched {
  client: string;
  hadAll: boolean;
  fast: boolean;
  extended: boolean;
  /** The `v` of its extended handshake, when it sent one before the blocks arrived. */
  version: string | undefined;
  blocks: Map<string, Uint8Array>;
}

/**
 * Dials the seeder, reads what it has, gets unchoked and fetches `wanted`. A seeder still checking
 * its data may drop us or claim nothing yet, so this retries until `deadline`.
 */
async function fetchBlocks(port: number, wanted: BlockRef[], deadline: number): Promise<Fetched> {
  let lastError = 'no attempt';
  while (Date.now() < deadline) {
    const conn = PeerConnection.dial({ host: '127.0.0.1', port, infoHash: meta.infoHash, peerId: generatePeerId(), pieceCount: meta.pieceCount });
    try {
      return await attempt(conn, wanted, deadline);
    } catch (err) {
      lastError = (err as Error).message;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      conn.close('test over');
    }
  }
  throw new Error(`could not fetch blocks: ${lastError}`);
}

function attempt(conn: PeerConnection, wanted: BlockRef[], deadline: number): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('attempt timed out')), Math.max(0, deadline - Date.now()));
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(why));
    };
    const blocks = new Map<string, Uint8Array>();
    let hadAll = false;
    conn.once('close', (reason) => fail(`closed: ${reason}`));
    conn.once('handshake', () => {
      if (conn.extensionProtocol) conn.sendExtendedHandshake({ m: {}, v: 'Shoal test', reqq: 250 });
      if (conn.fastExtension) conn.sendHaveNone();
      else conn.sendBitfield(new Uint8Array(Math.ceil(meta.pieceCount / 8)));
      conn.interested();
    });
    const startRequests = (): void => {
      if (!hadAll || conn.peerChoking) return;
      conn.sendRequests(wanted);
    };
    conn.on('bitfield', (bytes) => {
      hadAll = bytes.length === 1 && bytes[0] === 0xfc; // six pieces, all present
      if (!hadAll) fail(`seeder has only ${[...bytes].map((b) => b.toString(2)).join(' ')}`);
      startRequests();
    });
    conn.on('haveAll', () => {
      hadAll = true;
      startRequests();
    });
    conn.on('haveNone', () => fail('seeder has nothing yet'));
    conn.on('unchoke', startRequests);
    conn.on('piece', (index, begin, block) => {
      blocks.set(`${index}:${begin}`, block.slice());
      if (blocks.size === wanted.length) {
        clearTimeout(timer);
        resolve({
          client: clientFromPeerId(conn.peerHandshake!.peerId),
          hadAll,
          fast: conn.fastExtension,
          extended: conn.extensionProtocol,
          version: conn.peerExtendedHandshake?.v,
          blocks,
        });
      }
    });
  });
}

/** Fetches the info dictionary over BEP 9, as for a magnet link, retrying until `deadline`. */
async function fetchMetadata(port: number, deadline: number): Promise<Uint8Array> {
  let lastError = 'no attempt';
  while (Date.now() < deadline) {
    const conn = PeerConnection.dial({ host: '127.0.0.1', port, infoHash: meta.infoHash, peerId: generatePeerId() });
    try {
      return await metadataAttempt(conn, deadline);
    } catch (err) {
      lastError = (err as Error).message;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      conn.close('test over');
    }
  }
  throw new Error(`could not fetch metadata: ${lastError}`);
}

function metadataAttempt(conn: PeerConnection, deadline: number): Promise<Uint8Array> {
  const OUR_ID = 3;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('attempt timed out')), Math.max(0, deadline - Date.now()));
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(why));
    };
    let assembler: MetadataAssembler | undefined;
    conn.once('close', (reason) => fail(`closed: ${reason}`));
    conn.once('handshake', () => {
      if (!conn.extensionProtocol) return fail('no BEP 10');
      conn.sendExtendedHandshake({ m: { [UT_METADATA]: OUR_ID } });
      if (conn.fastExtension) conn.sendHaveNone();
    });
    conn.on('extendedHandshake', (h) => {
      const theirId = h.m[UT_METADATA];
      if (!theirId || h.metadataSize === undefined) return fail('no ut_metadata or metadata_size');
      assembler = new MetadataAssembler(meta.infoHash, h.metadataSize);
      for (const piece of assembler.missing()) conn.sendExtended(theirId, encodeMetadataMessage({ type: 'request', piece }));
    });
    conn.on('extended', (id, payload) => {
      if (id !== OUR_ID || !assembler) return;
      const m = parseMetadataMessage(payload);
      if (m.type === 'reject') return fail(`piece ${m.piece} rejected`);
      if (m.type !== 'data') return;
      const info = assembler.add(m.piece, m.data, m.totalSize);
      if (info) {
        clearTimeout(timer);
        resolve(info);
      }
    });
  });
}

async function expectMetadata(port: number): Promise<void> {
  const info = await fetchMetadata(port, Date.now() + 25_000);
  expect(Buffer.from(info).equals(Buffer.from(meta.infoBytes))).toBe(true);
}

// The short last block of the last piece and a full block in the middle.
const wanted: BlockRef[] = [
  { index: 2, begin: 16384, length: 16384 },
  { index: 5, begin: 0, length: PAYLOAD - 5 * PIECE },
];

function expectPayload(fetched: Fetched): void {
  for (const w of wanted) {
    const start = w.index * PIECE + w.begin;
    const got = fetched.blocks.get(`${w.index}:${w.begin}`);
    expect(got && Buffer.from(got).equals(payload.subarray(start, start + w.length))).toBe(true);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-wire-interop-'));
  await mkdir(join(dir, 'data'));
  payload = randomBytes(PAYLOAD);
  await writeFile(join(dir, 'data', 'payload.bin'), payload);
  torrentPath = join(dir, 'payload.torrent');
  await run('mktorrent', ['-l', '15', '-a', 'http://127.0.0.1:1/announce', '-o', torrentPath, join(dir, 'data', 'payload.bin')], { timeout: 15_000 });
  meta = parseTorrent(await readFile(torrentPath));
}, 20_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('wire interop with aria2c', () => {
  const seeder = new Seeder();
  beforeAll(() =>
    seeder.start('aria2c', (port, _rpc, home) => [
      // Flags as in bench/clients/aria2.sh: loopback only, no DHT/LPD/PEX, seed forever after a check.
      '--interface=127.0.0.1', '--disable-ipv6=true',
      '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
      `--listen-port=${port}`, `--dir=${join(dir, 'data')}`,
      '--console-log-level=warn', '--summary-interval=0', '--show-console-readout=false', '--download-result=hide',
      `--dht-file-path=${join(home, 'dht.dat')}`, `--dht-file-path6=${join(home, 'dht6.dat')}`,
      '--save-session-interval=0', '--auto-save-interval=0', `--stop-with-process=${process.pid}`,
      '-V', '--seed-ratio=0.0', torrentPath,
    ]), 30_000);
  afterAll(() => seeder.stop(), 10_000);

  it('handshakes, reads its pieces and downloads blocks', { timeout: 30_000 }, async () => {
    const fetched = await fetchBlocks(seeder.port, wanted, Date.now() + 25_000);
    expect(fetched.client).toMatch(/^aria2 \d+\.\d+\.\d+$/);
    expect(fetched.extended).toBe(true);
    expect(fetched.version).toMatch(/aria2/);
    expectPayload(fetched);
  });

  it('serves the info dictionary over ut_metadata', { timeout: 30_000 }, () => expectMetadata(seeder.port));
});

describe('wire interop with qBittorrent (libtorrent)', () => {
  const seeder = new Seeder();
  beforeAll(() =>
    seeder.start(
      'qbittorrent-nox',
      (port, rpc, home) => [`--profile=${home}`, `--webui-port=${rpc}`, `--torrenting-port=${port}`, `--save-path=${join(dir, 'data')}`, '--skip-dialog=true', '--add-paused=false', torrentPath],
      async (port, rpc, home) => {
        // As in bench/clients/qbittorrent.sh: loopback only, TCP only, DHT/LSD/PeX/UPnP off.
        await mkdir(join(home, 'qBittorrent', 'config'), { recursive: true });
        await writeFile(
          join(home, 'qBittorrent', 'config', 'qBittorrent.conf'),
          [
            '[LegalNotice]', 'Accepted=true', '',
            '[BitTorrent]', `Session\\Port=${port}`, 'Session\\UseRandomPort=false', 'Session\\Interface=lo', 'Session\\InterfaceName=lo',
            'Session\\InterfaceAddress=127.0.0.1', 'Session\\DHTEnabled=false', 'Session\\LSDEnabled=false', 'Session\\PeXEnabled=false',
            'Session\\BTProtocol=TCP', 'Session\\MultiConnectionsPerIp=true', 'Session\\QueueingSystemEnabled=false',
            `Session\\DefaultSavePath=${join(dir, 'data')}`, 'Session\\GlobalMaxRatio=-1', '',
            '[Network]', 'PortForwardingEnabled=false', '',
            '[Preferences]', 'Connection\\UPnP=false', 'General\\UseRandomPort=false', 'WebUI\\Enabled=true', 'WebUI\\Address=127.0.0.1',
            `WebUI\\Port=${rpc}`, 'WebUI\\UseUPnP=false', 'WebUI\\LocalHostAuth=false', '',
          ].join('\n'),
        );
      },
    ), 30_000);
  afterAll(() => seeder.stop(), 10_000);

  it('handshakes with both extensions, reads its pieces and downloads blocks', { timeout: 40_000 }, async () => {
    const fetched = await fetchBlocks(seeder.port, wanted, Date.now() + 35_000);
    expect(fetched.client).toMatch(/^qBittorrent 4\.\d+\.\d+$/);
    expect(fetched.fast && fetched.extended).toBe(true);
    expect(fetched.version).toMatch(/qBittorrent/);
    expectPayload(fetched);
  });

  it('serves the info dictionary over ut_metadata', { timeout: 30_000 }, () => expectMetadata(seeder.port));
});

describe('wire interop with Transmission', () => {
  const seeder = new Seeder();
  beforeAll(() =>
    seeder.start(
      'transmission-daemon',
      (_port, _rpc, home) => ['-f', '-g', join(home, 'config')],
      async (port, rpc, home) => {
        // As in bench/clients/transmission.sh: loopback only, DHT/LPD/PEX/uTP/port mapping off.
        const watch = join(home, 'watch');
        await mkdir(join(home, 'config'), { recursive: true });
        await mkdir(watch);
        await writeFile(
          join(home, 'config', 'settings.json'),
          JSON.stringify({
            'bind-address-ipv4': '127.0.0.1', 'bind-address-ipv6': '::1', 'peer-port': port, 'peer-port-random-on-start': false,
            'rpc-enabled': true, 'rpc-bind-address': '127.0.0.1', 'rpc-port': rpc, 'rpc-authentication-required': false,
            'dht-enabled': false, 'lpd-enabled': false, 'pex-enabled': false, 'utp-enabled': false, 'port-forwarding-enabled': false,
            'blocklist-enabled': false, 'download-dir': join(dir, 'data'), 'incomplete-dir-enabled': false,
            'watch-dir-enabled': true, 'watch-dir': watch, 'start-added-torrents': true, 'ratio-limit-enabled': false, 'message-level': 1,
          }),
        );
        await copyFile(torrentPath, join(watch, 'payload.torrent'));
      },
    ), 30_000);
  afterAll(() => seeder.stop(), 10_000);

  it('handshakes, reads its pieces and downloads blocks', { timeout: 40_000 }, async () => {
    const fetched = await fetchBlocks(seeder.port, wanted, Date.now() + 35_000);
    expect(fetched.client).toMatch(/^Transmission 3\.0\.0$/);
    expect(fetched.fast && fetched.extended).toBe(true);
    expect(fetched.version).toMatch(/Transmission/);
    expectPayload(fetched);
  });

  it('serves the info dictionary over ut_metadata', { timeout: 30_000 }, () => expectMetadata(seeder.port));
});
