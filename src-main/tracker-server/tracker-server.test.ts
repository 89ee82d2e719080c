import { request } from 'node:http';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isDict, type BDict } from '../engine/bencode';
import { decodeTrackerReply } from '../engine/tracker/http-tracker-client';
import { ShoalError } from '../../src-shared/errors';
import { startTrackerServer, type TrackerServer, type TrackerServerOptions } from './tracker-server';

const local = { host: '127.0.0.1', port: 0 };
let server: TrackerServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<TrackerServerOptions> = {}): Promise<TrackerServer> {
  server = await startTrackerServer({ http: local, udp: local, interval: 120, ...options });
  return server;
}

/** GET with the path sent exactly as written (fetch would normalise a malformed query). */
function get(path: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server!.httpPort, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function getDict(path: string): Promise<BDict> {
  const value = decodeTrackerReply((await get(path)).body);
  if (!isDict(value)) throw new Error('not a dictionary');
  return value;
}

const esc = (b: Buffer) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('');
const hashA = Buffer.alloc(20, 0xa1);
const hashB = Buffer.alloc(20, 0xb2);
const announcePath = (over: Record<string, string> = {}) => {
  const params: Record<string, string> = {
    info_hash: esc(hashA),
    peer_id: esc(Buffer.alloc(20, 0x50)),
    port: '6881',
    uploaded: '0',
    downloaded: '0',
    left: '100',
    event: 'started',
    ...over,
  };
  return `/announce?${Object.entries(params)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('&')}`;
};

describe('HTTP tracker', () => {
  it('answers a compact announce with interval, min interval, counts, and peers other than the requester', async () => {
    await start();
    await getDict(announcePath({ port: '1001' }));
    const reply = await getDict(announcePath({ port: '1002', left: '0' }));
    expect(reply.get('interval')).toBe(120);
    expect(reply.get('min interval')).toBe(60);
    expect(reply.get('complete')).toBe(1);
    expect(reply.get('incomplete')).toBe(1);
    expect(reply.get('peers')).toEqual(Buffer.from([127, 0, 0, 1, 0x03, 0xe9]));
  });

  it('answers the dictionary model, with and without peer ids', async () => {
    await start();
    await getDict(announcePath({ port: '1001', peer_id: esc(Buffer.alloc(20, 0x41)) }));
    const withIds = await getDict(announcePath({ port: '1002', compact: '0' }));
    const peers = withIds.get('peers') as BDict[];
    expect(peers).toHaveLength(1);
    expect(peers[0]!.get('ip')).toEqual(Buffer.from('127.0.0.1'));
    expect(peers[0]!.get('port')).toBe(1001);
    expect(peers[0]!.get('peer id')).toEqual(Buffer.alloc(20, 0x41));
    const without = await getDict(announcePath({ port: '1002', compact: '0', no_peer_id: '1' }));
    expect((without.get('peers') as BDict[])[0]!.has('peer id')).toBe(false);
  });

  it('caps numwant at 50 and lists IPv6 peers in peers6', async () => {
    const s = await start();
    for (let port = 1; port <= 60; port++) {
      s.store.announce({ infoHash: hashA, peerId: Buffer.alloc(20), ip: Buffer.from([10, 0, 0, 1]), port, left: 1, event: 'started' }, Date.now());
    }
    const v6 = Buffer.alloc(16);
    v6[0] = 0x20;
    v6[1] = 0x01;
    s.store.announce({ infoHash: hashB, peerId: Buffer.alloc(20), ip: v6, port: 7000, left: 1, event: 'started' }, Date.now());
    const many = await getDict(announcePath({ numwant: '500' }));
    expect((many.get('peers') as Buffer).length).toBe(50 * 6);
    const six = await getDict(announcePath({ info_hash: esc(hashB) }));
    expect(six.get('peers6')).toEqual(Buffer.concat([v6, Buffer.from([0x1b, 0x58])]));
  });

  it.each([
    ['no info_hash', announcePath({ info_hash: '' }), /missing info_hash/],
    ['a 19-byte info_hash', announcePath({ info_hash: esc(Buffer.alloc(19)) }), /info_hash must be 20 bytes/],
    ['a 21-byte peer_id', announcePath({ peer_id: esc(Buffer.alloc(21)) }), /peer_id must be 20 bytes/],
    ['port 0', announcePath({ port: '0' }), /port must be between 1 and 65535/],
    ['port 65536', announcePath({ port: '65536' }), /port is not a valid number/],
    ['a negative left', announcePath({ left: '-5' }), /left is not a valid number/],
    ['an unknown event', announcePath({ event: 'exploded' }), /event must be/],
    ['a malformed escape', announcePath({ info_hash: '%zz' }), /malformed percent-escape/],
    ['a repeated info_hash', `${announcePath()}&info_hash=${esc(hashB)}`, /more than once/],
  ])('refuses %s with a failure reason and no change of state', async (_name, path, reason) => {
    const s = await start();
    const { status, body } = await get(path);
    expect(status).toBe(200);
    const reply = decodeTrackerReply(body);
    if (!isDict(reply)) throw new Error('not a dictionary');
    expect(String(reply.get('failure reason'))).toMatch(reason);
    expect(s.store.peerCount).toBe(0);
    expect(s.store.swarmCount).toBe(0);
  });

  it('scrapes several torrents (BEP 48), all of them when none is named, and refuses bad hashes', async () => {
    await start();
    await getDict(announcePath({ port: '1' }));
    await getDict(announcePath({ port: '2', left: '0', event: 'completed' }));
    await getDict(announcePath({ port: '3', info_hash: esc(hashB) }));
    const files = (await getDict(`/scrape?info_hash=${esc(hashA)}&info_hash=${esc(hashB)}`)).get('files') as BDict;
    expect(files.get(hashA.toString('latin1'))).toEqual(new Map([['complete', 1], ['downloaded', 1], ['incomplete', 1]]));
    expect(files.get(hashB.toString('latin1'))).toEqual(new Map([['complete', 0], ['downloaded', 0], ['incomplete', 1]]));
    const all = (await getDict('/scrape')).get('files') as BDict;
    expect(all.size).toBe(2);
    const bad = await getDict(`/scrape?info_hash=${esc(Buffer.alloc(5))}`);
    expect(String(bad.get('failure reason'))).toMatch(/20 bytes/);
  });

  it('follows an allow-list for announce and scrape', async () => {
    const s = await start({ allow: new Set([hashA.toString('hex')]) });
    expect((await getDict(announcePath())).has('interval')).toBe(true);
    expect(String((await getDict(announcePath({ info_hash: esc(hashB) }))).get('failure reason'))).toMatch(/not registered/);
    const files = (await getDict(`/scrape?info_hash=${esc(hashB)}`)).get('files') as BDict;
    expect(files.size).toBe(0);
    expect(s.store.swarmCount).toBe(1);
  });

  it('shows a status page with every torrent, and 404 elsewhere', async () => {
    await start();
    await getDict(announcePath({ left: '0' }));
    const page = await get('/');
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body.toString()).toContain(`<td><code>${hashA.toString('hex')}</code></td><td>1</td><td>0</td><td>0</td>`);
    expect((await get('/etc/passwd')).status).toBe(404);
  });

  it('stays bounded under a flood of new torrents', async () => {
    const s = await start({ maxSwarms: 20 });
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => getDict(announcePath({ info_hash: esc(Buffer.alloc(20, i)), port: String(i + 1) }))),
    );
    expect(s.store.swarmCount).toBe(20);
    expect(replies.filter((r) => r.has('failure reason'))).toHaveLength(80);
  });
});

describe('UDP tracker', () => {
  function exchange(packet: Buffer, host = '127.0.0.1'): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      const timer = setTimeout(() => {
        socket.close();
        resolve(undefined);
      }, 300);
      socket.on('message', (reply) => {
        clearTimeout(timer);
        socket.close();
        resolve(reply);
      });
      socket.send(packet, server!.udpPort, host);
    });
  }

  const connectPacket = (transaction = 7) => {
    const p = Buffer.alloc(16);
    p.writeUInt32BE(0x417, 0);
    p.writeUInt32BE(0x27101980, 4);
    p.writeUInt32BE(0, 8);
    p.writeUInt32BE(transaction, 12);
    return p;
  };
  const announcePacket = (connectionId: Buffer, port: number, numwant = -1, length = 98) => {
    const p = Buffer.alloc(length);
    connectionId.copy(p, 0);
    p.writeUInt32BE(1, 8);
    p.writeUInt32BE(99, 12);
    if (length >= 98) {
      hashA.copy(p, 16);
      p.writeBigUInt64BE(10n, 64);
      p.writeUInt32BE(2, 80);
      p.writeInt32BE(numwant, 92);
      p.writeUInt16BE(port, 96);
    }
    return p;
  };
  const connect = async () => (await exchange(connectPacket()))!.subarray(8, 16);

  it('connects, announces and scrapes', async () => {
    await start();
    const reply = await exchange(connectPacket(1234));
    expect(reply!.readUInt32BE(0)).toBe(0);
    expect(reply!.readUInt32BE(4)).toBe(1234);
    const id = reply!.subarray(8, 16);
    await exchange(announcePacket(id, 5001));
    const second = (await exchange(announcePacket(id, 5002)))!;
    expect(second.readUInt32BE(0)).toBe(1);
    expect(second.readUInt32BE(4)).toBe(99);
    expect(second.readUInt32BE(8)).toBe(120);
    expect(second.readUInt32BE(12)).toBe(2); // leechers
    expect(second.subarray(20)).toEqual(Buffer.from([127, 0, 0, 1, 0x13, 0x89]));
    const scrape = Buffer.alloc(36);
    id.copy(scrape, 0);
    scrape.writeUInt32BE(2, 8);
    scrape.writeUInt32BE(5, 12);
    hashA.copy(scrape, 16);
    const counts = (await exchange(scrape))!;
    expect([counts.readUInt32BE(0), counts.readUInt32BE(4), counts.readUInt32BE(8), counts.readUInt32BE(12), counts.readUInt32BE(16)]).toEqual([2, 5, 0, 0, 2]);
  });

  it('answers over IPv6 with 18-byte peer entries, in the reply buffer it shares with IPv4', async () => {
    const s = await start({ udp: { host: '::', port: 0 }, http: null });
    s.store.announce({ infoHash: hashA, peerId: Buffer.alloc(20), ip: Buffer.from([10, 0, 0, 2]), port: 7000, left: 1, event: 'started' }, Date.now());
    const id = (await exchange(connectPacket(), '::1'))!.subarray(8, 16);
    await exchange(announcePacket(id, 5001), '::1');
    const reply = (await exchange(announcePacket(id, 5002), '::1'))!;
    expect(reply.readUInt32BE(12)).toBe(3); // leechers: two over IPv6, one over IPv4
    const loopback6 = Buffer.alloc(16);
    loopback6[15] = 1;
    expect(reply.subarray(20)).toEqual(Buffer.concat([loopback6, Buffer.from([0x13, 0x89])])); // only the IPv6 peer
    // An IPv4 request right after gets IPv4 entries, not leftovers of the IPv6 reply.
    const id4 = (await exchange(connectPacket(), '127.0.0.1'))!.subarray(8, 16);
    const reply4 = (await exchange(announcePacket(id4, 5003, 1), '127.0.0.1'))!;
    expect(reply4.subarray(20)).toEqual(Buffer.from([10, 0, 0, 2, 0x1b, 0x58]));
  });

  it('refuses a forged connection id without touching state', async () => {
    const s = await start();
    const reply = (await exchange(announcePacket(Buffer.from('forged!!'), 5001)))!;
    expect(reply.readUInt32BE(0)).toBe(3);
    expect(reply.subarray(8).toString()).toBe('bad connection id');
    expect(s.store.peerCount).toBe(0);
  });

  it('refuses a stale connection id (older than two windows)', async () => {
    const s = await start({ connectionWindowMs: 100 });
    const id = await connect();
    await new Promise((r) => setTimeout(r, 250));
    const reply = (await exchange(announcePacket(id, 5001)))!;
    expect(reply.readUInt32BE(0)).toBe(3);
    expect(s.store.peerCount).toBe(0);
  });

  it('refuses truncated announces, bad events and port 0; ignores short and foreign packets', async () => {
    const s = await start();
    const id = await connect();
    expect((await exchange(announcePacket(id, 5001, -1, 60)))!.subarray(8).toString()).toBe('truncated announce');
    const badEvent = announcePacket(id, 5001);
    badEvent.writeUInt32BE(9, 80);
    expect((await exchange(badEvent))!.subarray(8).toString()).toBe('bad event');
    expect((await exchange(announcePacket(id, 0)))!.subarray(8).toString()).toBe('bad port');
    expect(await exchange(Buffer.alloc(10))).toBeUndefined();
    const wrongProtocol = connectPacket();
    wrongProtocol.writeUInt32BE(1, 0);
    expect(await exchange(wrongProtocol)).toBeUndefined();
    expect(s.store.peerCount).toBe(0);
  });

  it('builds each reply afresh in the reused reply buffer: short after long replies, in flight together', async () => {
    const s = await start();
    for (let port = 1; port <= 60; port++) {
      s.store.announce({ infoHash: hashA, peerId: Buffer.alloc(20), ip: Buffer.from([10, 0, 0, 2]), port, left: 1, event: 'started' }, Date.now());
    }
    const id = await connect();
    // A long reply (50 peers), then a stop (no peers), then an error: each must be exactly its own bytes.
    expect((await exchange(announcePacket(id, 5001)))!.length).toBe(20 + 50 * 6);
    const stop = announcePacket(id, 5001);
    stop.writeUInt32BE(3, 80);
    const stopped = (await exchange(stop))!;
    expect(stopped.length).toBe(20);
    expect(stopped.readUInt32BE(0)).toBe(1);
    const badEvent = announcePacket(id, 5001);
    badEvent.writeUInt32BE(9, 80);
    expect((await exchange(badEvent))!.toString('latin1', 8)).toBe('bad event');

    // Many requests in flight at once from one socket: every reply names its own transaction,
    // once, and carries the counts and peer count its own request asked for.
    const client = createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    const replies = new Map<number, Buffer>();
    const all = new Promise<void>((resolve) => {
      client.on('message', (m: Buffer) => {
        replies.set(m.readUInt32BE(4), m);
        if (replies.size === 200) resolve();
      });
    });
    for (let t = 0; t < 200; t++) {
      const p = announcePacket(id, 6000 + t, t % 51);
      p.writeUInt32BE(t, 12);
      client.send(p, s.udpPort, '127.0.0.1');
    }
    await Promise.race([all, new Promise((r) => setTimeout(r, 5000))]);
    client.close();
    expect(replies.size).toBe(200);
    for (const [t, m] of replies) {
      expect(m.readUInt32BE(0)).toBe(1);
      expect(m.length).toBe(20 + (t % 51) * 6);
      for (let at = 20; at < m.length; at += 6) expect(m.readUInt16BE(at + 4)).not.toBe(6000 + t); // never the requester itself
    }
  });

  it('never amplifies: announce replies carry at most 50 peers, and errors never outgrow the request', async () => {
    const s = await start();
    for (let port = 1; port <= 200; port++) {
      s.store.announce({ infoHash: hashA, peerId: Buffer.alloc(20), ip: Buffer.from([10, 0, 0, 2]), port, left: 1, event: 'started' }, Date.now());
    }
    const id = await connect();
    expect((await exchange(announcePacket(id, 5001, 100000)))!.length).toBe(20 + 50 * 6);
    // A 16-byte scrape with a bad id would earn a 25-byte error: it gets silence instead.
    const tiny = Buffer.alloc(16);
    tiny.writeUInt32BE(2, 8);
    expect(await exchange(tiny)).toBeUndefined();
  });
});

describe('startTrackerServer', () => {
  it('says which port is already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const attempt = startTrackerServer({ http: { host: '127.0.0.1', port }, udp: null });
      await expect(attempt).rejects.toThrow(ShoalError);
      await expect(attempt).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});
