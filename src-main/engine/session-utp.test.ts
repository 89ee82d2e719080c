import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EncryptionMode } from '../../src-shared/contract';
import { waitFor } from '../testing/processes';
import { useTestSessions } from '../testing/test-sessions';
import type { Session } from './session';
import * as views from './torrent-views';

// Two Shoal sessions in one process meeting over uTP (the peer port's UDP side) when the seeder
// takes uTP only (as libtorrent with TCP off: it closes TCP at once), or over TCP.

const fixtures = fileURLToPath(new URL('../../../shared/fixtures/torrents/', import.meta.url));
const content = fileURLToPath(new URL('../../../shared/fixtures/content/', import.meta.url));
const sessions = useTestSessions('session-utp');
/** Names each session's folders apart: one test may trade several times. */
let started = 0;

type Transports = { tcp: boolean; utp: boolean };
const both: Transports = { tcp: true, utp: true };
const utpOnly: Transports = { tcp: false, utp: true };
const tcpOnly: Transports = { tcp: true, utp: false };

async function start(name: string, transports: Transports, encryption: EncryptionMode = 'prefer'): Promise<{ session: Session; dir: string }> {
  const folder = `${name}-${++started}`;
  const session = await sessions.start(folder);
  await session.setSettings({ ...transports, encryption, dht: false, lsd: false });
  const dir = join(sessions.dir, folder);
  await mkdir(dir, { recursive: true });
  return { session, dir };
}

async function trade(seeder: Transports, leecherTransports: Transports, encryption: EncryptionMode = 'prefer') {
  const seed = await start('seeder', seeder, encryption);
  await copyFile(join(content, 'alice.txt'), join(seed.dir, 'alice.txt'));
  const { infoHash } = await seed.session.addTorrent({ source: { kind: 'torrent', data: await readFile(join(fixtures, 'alice.torrent')) } });
  await waitFor('the seeder to check its data', () => (seed.session.torrent(infoHash)?.state === 'seeding' ? true : undefined), 10_000, 20);
  await seed.session.setSettings({ speedLimit: { down: 0, up: 40_000 } }); // slow enough to see the peer rows
  const leecher = await start('leecher', leecherTransports, encryption);
  await leecher.session.addTorrent({ source: { kind: 'torrent', data: await readFile(join(fixtures, 'alice.torrent')) } });
  leecher.session.torrent(infoHash)!.addPeers([{ host: '127.0.0.1', port: seed.session.listenPort }], 'magnet');
  const atSeeder = await waitFor('the leecher at the seeder', () => views.peers(seed.session.torrent(infoHash)!)[0], 15_000, 20);
  const atLeecher = await waitFor('the seeder at the leecher', () => views.peers(leecher.session.torrent(infoHash)!)[0], 15_000, 20);
  await waitFor('the download to finish', () => (leecher.session.torrent(infoHash)?.state === 'seeding' ? true : undefined), 40_000, 50);
  expect(await readFile(join(leecher.session.torrent(infoHash)!.savePath, 'alice.txt'))).toEqual(await readFile(join(content, 'alice.txt')));
  return { atSeeder, atLeecher };
}

describe('uTP between two Shoal sessions', () => {
  it('a TCP dial closed at once is tried again over uTP, and trades over it; both Peers tabs say uTP (flag P)', async () => {
    const { atSeeder, atLeecher } = await trade(utpOnly, both);
    expect([atSeeder.transport, atLeecher.transport]).toEqual(['utp', 'utp']);
    expect(atSeeder.flags).toContain('P');
    expect(atLeecher.flags).toContain('P');
  }, 60_000);

  it('carries an RC4-encrypted connection (encryption required on both ends)', async () => {
    const { atSeeder, atLeecher } = await trade(utpOnly, both, 'require');
    expect([atSeeder.transport, atLeecher.transport]).toEqual(['utp', 'utp']);
    expect([atSeeder.encryption, atLeecher.encryption]).toEqual(['rc4', 'rc4']);
  }, 60_000);

  it('a leecher with TCP off dials over uTP only', async () => {
    const { atSeeder, atLeecher } = await trade(both, utpOnly);
    expect([atSeeder.transport, atLeecher.transport]).toEqual(['utp', 'utp']);
  }, 60_000);

  it('stays on TCP when both take it, and with uTP off', async () => {
    expect((await trade(both, both)).atLeecher.transport).toBe('tcp');
    expect((await trade(both, tcpOnly)).atLeecher.transport).toBe('tcp');
  }, 60_000);

  it('refuses turning off both TCP and uTP', async () => {
    const { session } = await start('both-off', utpOnly);
    await expect(session.setSettings({ utp: false })).rejects.toThrow(/cannot both be off/);
  });
});
