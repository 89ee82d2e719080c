// The session's DHT on the wire: private torrents send nothing, public ones look up and announce,
// and the routing table saved at close is what the next run starts from.
import { createSocket, type Socket } from 'node:dgram';
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { bencode } from '../bencode';
import { PeerUdpSocket } from '../net/peer-udp-socket';
import { Session } from '../session';
import { tempDir, waitFor } from '../../testing/processes';
import { DhtNode } from './dht-node';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A one-piece .torrent; `private` sets BEP 27's flag. */
function torrentFile(isPrivate: boolean): { data: Uint8Array; infoHash: Buffer } {
  const content = randomBytes(1000);
  const info = { length: 1000, name: `t-${randomBytes(4).toString('hex')}`, 'piece length': 16384, pieces: createHash('sha1').update(content).digest(), ...(isPrivate ? { private: 1 } : {}) };
  return { data: bencode({ info }), infoHash: createHash('sha1').update(bencode(info)).digest() };
}

async function session(bootstrap: string[], stateDir?: string): Promise<Session> {
  const dir = await tempDir('session-dht');
  const s = await Session.start({ downloadDir: dir.path, listenPort: 0, listenHost: '127.0.0.1', ...(stateDir ? { stateDir } : {}) });
  await s.setSettings({ dhtBootstrap: bootstrap });
  cleanups.push(() => dir.remove());
  return s;
}

/** A plain UDP socket standing in for a bootstrap node: it only counts what arrives. */
async function listeningSocket(): Promise<{ socket: Socket; port: number; received: Buffer[] }> {
  const socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (m) => received.push(m));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => socket.close(() => r())));
  return { socket, port: socket.address().port, received };
}

/** A DHT node of ours on its own socket, as the network's router. */
async function routerNode(): Promise<{ node: DhtNode; port: number; heardFrom: Set<number> }> {
  const socket = await PeerUdpSocket.bind(0, '127.0.0.1');
  const node = new DhtNode({ send: (b, to) => socket.send(b, to), bootstrap: [] });
  const heardFrom = new Set<number>();
  socket.on('dht', (bytes, from) => {
    heardFrom.add(from.port);
    node.receive(bytes, from);
  });
  cleanups.push(async () => {
    node.close();
    await socket.close();
  });
  return { node, port: socket.port, heardFrom };
}

describe('the session DHT', () => {
  it('sends nothing for a private torrent, and looks up a public one', async () => {
    const router = await listeningSocket();
    const s = await session([`127.0.0.1:${router.port}`]);
    cleanups.push(() => s.close());
    await s.addTorrent({ source: { kind: 'torrent', data: torrentFile(true).data } });
    await new Promise((r) => setTimeout(r, 2500));
    expect(router.received).toHaveLength(0);
    await s.addTorrent({ source: { kind: 'torrent', data: torrentFile(false).data } });
    await waitFor('a DHT query for the public torrent', () => (router.received.length > 0 ? true : undefined), 5000, 50);
    expect(router.received[0]!.toString('latin1')).toMatch(/^d1:ad2:id20:/);
  });

  it('announces public torrents, saves its routing table, and starts from it after a restart', async () => {
    const router = await routerNode();
    const state = await tempDir('session-dht-state');
    cleanups.push(() => state.remove());
    const first = await session([`127.0.0.1:${router.port}`], state.path);
    const t = torrentFile(false);
    await first.addTorrent({ source: { kind: 'torrent', data: t.data } });
    const announced = await waitFor(
      'the announce to reach the router',
      async () => {
        const found = await router.node.getPeers(t.infoHash);
        return found.peers.find((p) => p.port === first.listenPort);
      },
      10_000,
      200,
    );
    expect(announced).toEqual({ host: '127.0.0.1', port: first.listenPort });
    // The status bar's figure: the router is in the table.
    const stats = await new Promise<number | null | undefined>((resolve) => {
      const off = first.onEvent((e) => {
        if (e.name !== 'stats') return;
        off();
        resolve(e.payload.dhtNodes);
      });
    });
    expect(stats).toBe(1);
    await first.close();
    // The next run is told only of a dead node; the saved table brings it to the router anyway.
    router.heardFrom.clear();
    const second = await session(['127.0.0.1:9'], state.path);
    cleanups.push(() => second.close());
    await waitFor('the restarted session to query the saved router', () => (router.heardFrom.has(second.listenPort) ? true : undefined), 10_000, 50);
  });
});
