// BEP 27 on the wire: a private torrent's extended handshake offers no ut_pex (so no peer ever
// exchanges peers with us for it), while a public torrent's does.
import bencode from 'bencode';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../../testing/processes';
import { generatePeerId } from '../wire/peer-id';
import { PeerConnection } from '../wire/peer-connection';
import type { ExtendedHandshake } from '../wire/extended-handshake';
import { Session } from '../session';
import { trackers } from '../torrent-views';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A one-file torrent (private or not) whose data lies in a fresh folder, and a session seeding it. */
async function seeding(isPrivate: boolean): Promise<{ session: Session; infoHash: Uint8Array }> {
  const dir = await tempDir('private-pex');
  cleanups.push(() => dir.remove());
  const content = randomBytes(100_000);
  await writeFile(join(dir.path, 'data.bin'), content);
  const pieceLength = 32 * 1024;
  const pieces = Buffer.concat(Array.from({ length: Math.ceil(content.length / pieceLength) }, (_, i) => createHash('sha1').update(content.subarray(i * pieceLength, (i + 1) * pieceLength)).digest()));
  const info = { length: content.length, name: 'data.bin', 'piece length': pieceLength, pieces, ...(isPrivate ? { private: 1 } : {}) };
  const session = await Session.start({ downloadDir: dir.path, listenPort: 0, listenHost: '127.0.0.1' });
  cleanups.push(() => session.close());
  await session.setSettings({ dht: false, lsd: false });
  const { infoHash } = await session.addTorrent({ source: { kind: 'torrent', data: Uint8Array.from(bencode.encode({ info })) } });
  await waitFor('the seed to check its data', () => (session.torrent(infoHash)?.state === 'seeding' ? true : undefined), 10_000, 20);
  return { session, infoHash: createHash('sha1').update(bencode.encode(info)).digest() };
}

/** The extended handshake the session sends a peer that dials it. */
async function theirExtendedHandshake(session: Session, infoHash: Uint8Array): Promise<ExtendedHandshake> {
  const conn = PeerConnection.dial({ host: '127.0.0.1', port: session.listenPort, infoHash, peerId: generatePeerId() });
  cleanups.push(async () => conn.close('test over'));
  return new Promise((resolve, reject) => {
    conn.once('extendedHandshake', resolve);
    conn.once('close', (reason) => reject(new Error(`closed before the extended handshake: ${reason}`)));
  });
}

describe('private torrents and PEX (BEP 27)', () => {
  it('a private torrent offers no ut_pex in its extended handshake', async () => {
    const { session, infoHash } = await seeding(true);
    const handshake = await theirExtendedHandshake(session, infoHash);
    expect(handshake.m.ut_metadata).toBeGreaterThan(0);
    expect(handshake.m.ut_pex).toBeUndefined();
  });

  it('a public torrent offers it', async () => {
    const { session, infoHash } = await seeding(false);
    expect((await theirExtendedHandshake(session, infoHash)).m.ut_pex).toBeGreaterThan(0);
  });

  it('with the pex setting off, a public torrent does not offer it either', async () => {
    const { session, infoHash } = await seeding(false);
    await session.setSettings({ pex: false });
    expect((await theirExtendedHandshake(session, infoHash)).m.ut_pex).toBeUndefined();
  });

  it('the Trackers tab lists the DHT, PEX and LSD: unused for a private torrent, on for a public one, with the addresses each gave', async () => {
    const on = { dht: true, pex: true, lsd: true };
    const priv = await seeding(true);
    const privateRows = trackers(priv.session.torrent(Buffer.from(priv.infoHash).toString('hex'))!, on);
    expect(privateRows.map((r) => [r.kind, r.status, r.message])).toEqual([
      ['dht', 'disabled', 'not used for a private torrent'],
      ['pex', 'disabled', 'not used for a private torrent'],
      ['lsd', 'disabled', 'not used for a private torrent'],
    ]);
    const pub = await seeding(false);
    const t = pub.session.torrent(Buffer.from(pub.infoHash).toString('hex'))!;
    t.addPeers([{ host: '10.9.9.1', port: 1 }, { host: '10.9.9.2', port: 2 }], 'pex');
    t.addPeers([{ host: '10.9.9.3', port: 3 }], 'lsd');
    const rows = trackers(t, { ...on, dht: false });
    expect(rows.map((r) => [r.url, r.status, r.message, r.peers])).toEqual([
      ['** [DHT] **', 'disabled', 'turned off in the settings', 0],
      ['** [PeX] **', 'working', null, 2],
      ['** [LSD] **', 'working', null, 1],
    ]);
  });
});
