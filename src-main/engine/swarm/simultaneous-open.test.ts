// Two peers that dial each other at the same moment (their retry timers run in step): each sees a
// connection it dialled and one it accepted, and both must keep the same one.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { waitFor } from '../../testing/processes';
import { useTestSessions } from '../../testing/test-sessions';
import type { Session } from '../session';

const sessions = useTestSessions('simultaneous');

/** A 4 MiB torrent the seeder has checked and a slow leecher (32 KiB/s) has added. */
async function slowSwarm(): Promise<{ seeder: Session; leecher: Session; infoHash: string }> {
  const swarm = await sessions.seedAndLeech({ folder: 'both', files: { data: randomBytes(4 * 1024 * 1024) }, pieceLength: 64 * 1024, settings: { dht: false, lsd: false, utp: false } });
  // Slow, so the two stay connected while they are looked at.
  await swarm.leecher.setSettings({ speedLimit: { down: 32 * 1024, up: 0 } });
  return swarm;
}

it('keeps one connection on both sides when both ends dial at once', async () => {
  const { seeder, leecher, infoHash } = await slowSwarm();
  const seeding = seeder.torrent(infoHash)!;
  const leeching = leecher.torrent(infoHash)!;
  seeding.addPeers([{ host: '127.0.0.1', port: leecher.listenPort }], 'magnet');
  leeching.addPeers([{ host: '127.0.0.1', port: seeder.listenPort }], 'magnet');

  // Each end joins the connection it accepted first, then hears back on the one it dialled. Keeping
  // "the first" on each side kept the two accepted ones, and closing the dialled ones closed both;
  // then both waited out a 15 s back-off, and met again in step.
  const kept = await waitFor(
    'one connection, dialled by one end and accepted by the other',
    () => {
      const [a, b] = [seeding.peers, leeching.peers];
      if (a.length !== 1 || b.length !== 1) return undefined;
      const sources = [a[0]!.source, b[0]!.source];
      return sources.filter((s) => s === 'incoming').length === 1 ? sources : undefined;
    },
    10_000,
    20,
  );
  expect(kept).toContain('magnet');
  // It stays: the leecher goes on receiving over it.
  const before = leeching.peers[0]!.conn.payloadReceived;
  await waitFor('data over the kept connection', () => (leeching.peers[0]!.conn.payloadReceived > before + 32 * 1024 ? true : undefined), 10_000, 50);
  expect(leeching.peers).toHaveLength(1);
});

it('keeps a connection that carries blocks when the peer dials back, whichever peer id is greater', async () => {
  const { seeder, leecher, infoHash } = await slowSwarm();
  const seeding = seeder.torrent(infoHash)!;
  const leeching = leecher.torrent(infoHash)!;
  // The second dial comes from the end whose connection the peer-id rule would keep.
  const [first, second] = Buffer.from(seeder.peerId).toString('hex') > Buffer.from(leecher.peerId).toString('hex') ? [leeching, seeding] : [seeding, leeching];
  first.addPeers([{ host: '127.0.0.1', port: (first === leeching ? seeder : leecher).listenPort }], 'magnet');
  await waitFor('blocks over the first connection', () => ((leeching.peers[0]?.conn.payloadReceived ?? 0) > 0 ? true : undefined), 10_000, 20);
  const trading = leeching.peers[0]!.conn;
  second.addPeers([{ host: '127.0.0.1', port: (second === leeching ? seeder : leecher).listenPort }], 'magnet');
  // A dial back on loopback is answered within milliseconds; the old rule closed the first connection then.
  await new Promise((r) => setTimeout(r, 3000));
  expect(leeching.peers.map((p) => p.conn)).toEqual([trading]);
  const before = trading.payloadReceived;
  await waitFor('data over the first connection still', () => (trading.payloadReceived > before + 32 * 1024 ? true : undefined), 10_000, 50);
  expect(leeching.peers.map((p) => p.conn)).toEqual([trading]);
});
