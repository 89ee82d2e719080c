import { describe, expect, it, vi } from 'vitest';
import { readTorrent } from '../testing/shared-fixtures';
import { alice, useTestSessions } from '../testing/test-sessions';

const sessions = useTestSessions('peers');

describe('Session peers added and banned by the user', { timeout: 30_000 }, () => {
  it('downloads from a peer added by address, bans it (forgotten, refused after a restart too), and refuses a bad address', async () => {
    const seeder = await sessions.aliceSeeder();

    const leecher = await sessions.start('leech');
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

    await sessions.stop(leecher);
    const again = await sessions.start('leech');
    expect(again.torrent(alice)!.swarm.registry.isBanned({ host: '127.0.0.1', port: seeder.listenPort })).toBe(true);
    await expect(again.setSettings({ bannedPeers: ['not an address'] })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
