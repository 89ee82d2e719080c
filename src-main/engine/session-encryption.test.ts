import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EncryptionMode } from '../../src-shared/contract';
import { waitFor } from '../testing/processes';
import { useTestSessions } from '../testing/test-sessions';
import type { Session } from './session';
import * as views from './torrent-views';

// Two Shoal sessions in one process, each with its own listener, meeting under each
// `encryption` setting.

const fixtures = fileURLToPath(new URL('../../../shared/fixtures/torrents/', import.meta.url));
const content = fileURLToPath(new URL('../../../shared/fixtures/content/', import.meta.url));
const sessions = useTestSessions('session-encryption');

async function start(name: string, encryption: EncryptionMode): Promise<{ session: Session; dir: string; log: string[] }> {
  const log: string[] = [];
  const session = await sessions.start(name, { log: (line) => log.push(line) });
  await session.setSettings({ encryption, dht: false });
  const dir = join(sessions.dir, name);
  await mkdir(dir, { recursive: true });
  return { session, dir, log };
}

async function seeder(encryption: EncryptionMode): Promise<{ session: Session; infoHash: string; log: string[] }> {
  const s = await start('seeder', encryption);
  await copyFile(join(content, 'alice.txt'), join(s.dir, 'alice.txt'));
  const { infoHash } = await s.session.addTorrent({ source: { kind: 'torrent', data: await readFile(join(fixtures, 'alice.torrent')) } });
  await waitFor('the seeder to check its data', () => (s.session.torrent(infoHash)?.state === 'seeding' ? true : undefined), 10_000, 20);
  return { session: s.session, infoHash, log: s.log };
}

const seeding = (session: Session, infoHash: string) =>
  waitFor('the download to finish', () => (session.torrent(infoHash)?.state === 'seeding' ? true : undefined), 40_000, 50);

describe('encryption between two Shoal sessions', () => {
  it('a seeder requiring encryption dials a magnet still fetching its metadata; it is found by its SKEY and downloads under RC4', async () => {
    const seed = await seeder('require');
    const leecher = await start('leecher', 'prefer');
    await leecher.session.addTorrent({ source: { kind: 'magnet', uri: `magnet:?xt=urn:btih:${seed.infoHash}` } });
    // No x.pe: the leecher knows nobody, so the only way in is the seeder dialling it.
    seed.session.torrent(seed.infoHash)!.addPeers([{ host: '127.0.0.1', port: leecher.session.listenPort }], 'magnet');
    await waitFor('the metadata', () => (leecher.session.torrent(seed.infoHash)?.hasMetainfo ? true : undefined), 10_000, 20);
    // Then it trades with the seeder, which it may dial now (prefer: encrypted), slowly enough to look at the peer row.
    await seed.session.setSettings({ speedLimit: { down: 0, up: 40_000 } });
    leecher.session.torrent(seed.infoHash)!.addPeers([{ host: '127.0.0.1', port: seed.session.listenPort }], 'magnet');
    const row = await waitFor('the seeder to trade with the leecher', () => views.peers(seed.session.torrent(seed.infoHash)!)[0], 10_000, 20);
    expect(row.encryption).toBe('rc4');
    expect(row.flags).toContain('E');
    await seeding(leecher.session, seed.infoHash);
    expect(await readFile(join(leecher.session.torrent(seed.infoHash)!.savePath, 'alice.txt'))).toEqual(await readFile(join(content, 'alice.txt')));
  }, 30_000);

  it('require refuses a plaintext-only seeder with the reason in the log; prefer then falls back to plaintext', async () => {
    const seed = await seeder('off');
    const leecher = await start('leecher', 'require');
    const uri = `magnet:?xt=urn:btih:${seed.infoHash}&x.pe=127.0.0.1:${seed.session.listenPort}`;
    await leecher.session.addTorrent({ source: { kind: 'magnet', uri } });
    await waitFor('the refusal in the log', () => (leecher.log.some((l) => /not connected to 127\.0\.0\.1:\d+: encryption is required/.test(l)) ? true : undefined), 10_000, 20);
    expect(seed.log.some((l) => l.includes('refused an encrypted connection: encryption is off'))).toBe(true);
    expect(leecher.session.torrent(seed.infoHash)!.state).toBe('metadata');

    await leecher.session.setSettings({ encryption: 'prefer' });
    leecher.session.torrent(seed.infoHash)!.addPeers([{ host: '127.0.0.1', port: seed.session.listenPort }], 'magnet');
    // The seeder refuses every encrypted connection, so only the plaintext redial can have fetched it.
    await seeding(leecher.session, seed.infoHash);
  }, 60_000);
});
