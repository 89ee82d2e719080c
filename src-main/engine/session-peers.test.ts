import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../testing/processes';
import { contentDir, readTorrent } from '../testing/shared-fixtures';
import { Session } from './session';

const alice = '722fe65b2aa26d14f35b4ad627d20236e481d924';
let dir: { path: string; remove(): Promise<void> };
let running: Session[] = [];

beforeEach(async () => {
  dir = await tempDir('peers');
});
afterEach(async () => {
  await Promise.all(running.map((s) => s.close()));
  running = [];
  await dir.remove();
});

async function start(name: string): Promise<Session> {
  const session = await Session.start({ downloadDir: join(dir.path, name), stateDir: join(dir.path, `${name}-state`), listenPort: 0, listenHost: '127.0.0.1' });
  running.push(session);
  return session;
}

describe('Session peers added and banned by the user', { timeout: 30_000 }, () => {
  it('downloads from a peer added by address, bans it (forgotten, refused after a restart too), and refuses a bad address', async () => {
    await mkdir(join(dir.path, 'seed'));
    await copyFile(join(contentDir, 'alice.txt'), join(dir.path, 'seed', 'alice.txt'));
    const seeder = await start('seed');
    await seeder.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') } });
    await vi.waitFor(() => expect(seeder.torrent(alice)?.state).toBe('seeding'), { timeout: 10_000 });

    const leecher = await start('leech');
    await leecher.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') } });
    await expect(leecher.addPeer({ infoHashes: [alice], address: 'seed.example' })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('HOST:PORT') });
    const address = `127.0.0.1:${seeder.listenPort}`;
    await leecher.addPeer({ infoHashes: [alice], address });
    await vi.waitFor(() => expect(leecher.torrent(alice)?.state).toBe('seeding'), { timeout: 20_000 });
    const registry = leecher.torrent(alice)!.swarm.registry;
    expect(registry.countFrom('manual')).toBe(1);

    await leecher.banPeer({ address });
    expect(registry.countFrom('manual')).toBe(0);
    expect(registry.isBanned({ host: '127.0.0.1', port: seeder.listenPort })).toBe(true);
    expect((await leecher.getSettings()).bannedPeers).toEqual([address]);

    await running.splice(running.indexOf(leecher), 1)[0]!.close();
    const again = await start('leech');
    expect(again.torrent(alice)!.swarm.registry.isBanned({ host: '127.0.0.1', port: seeder.listenPort })).toBe(true);
    await expect(again.setSettings({ bannedPeers: ['not an address'] })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
