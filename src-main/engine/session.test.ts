import bencode from 'bencode';
import { createHash } from 'node:crypto';
import { copyFile, cp, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ShoalEvent, TorrentSummary } from '../../src-shared/contract';
import { freePort, tempDir, waitFor } from '../testing/processes';
import { useTestSessions } from '../testing/test-sessions';
import { bencode as encode } from './bencode';
import { buildV2Torrent } from '../testing/v2-torrent';
import { Session } from './session';

const fixtures = fileURLToPath(new URL('../../../shared/fixtures/torrents/', import.meta.url));
const content = fileURLToPath(new URL('../../../shared/fixtures/content/', import.meta.url));

const sessions = useTestSessions('session');
let session: Session;

beforeEach(async () => {
  session = await sessions.start(undefined, { downloadDir: sessions.dir, stateDir: undefined });
});

const torrent = (name: string) => readFile(join(fixtures, name));

describe('Session', () => {
  it('adds a torrent paused, lists it, and refuses it a second time', async () => {
    const data = await torrent('alice.torrent');
    const added = await session.addTorrent({ source: { kind: 'torrent', data }, paused: true });
    expect(added).toEqual({ infoHash: '722fe65b2aa26d14f35b4ad627d20236e481d924', name: 'alice.txt' });
    await expect(session.addTorrent({ source: { kind: 'torrent', data } })).rejects.toMatchObject({ code: 'already-exists' });
    const events: ShoalEvent[] = [];
    session.onEvent((e) => events.push(e));
    await Promise.resolve();
    const first = events[0];
    expect(first?.name).toBe('torrents');
    if (first?.name === 'torrents') {
      expect(first.payload.full).toBe(true);
      expect(first.payload.changed.map((r) => [r.name, r.state])).toEqual([['alice.txt', 'paused']]);
    }
  });

  it('names a torrent without a name after its file (corrupt.torrent)', async () => {
    const added = await session.addTorrent({ source: { kind: 'torrent', data: await torrent('corrupt.torrent'), fileName: 'corrupt.torrent' }, paused: true });
    expect(added.name).toBe('corrupt');
  });

  it('adds v2-only torrents (named by their v2 hash cut to 20 bytes) and hybrids', async () => {
    const files = [{ path: ['a'], data: new Uint8Array(40_000).fill(7) }];
    const v2 = buildV2Torrent({ name: 'v2', pieceLength: 16_384, files });
    const data = encode({ info: v2.info, 'piece layers': v2.pieceLayers });
    const v2Added = await session.addTorrent({ source: { kind: 'torrent', data }, paused: true });
    expect(v2Added.infoHash).toBe(createHash('sha256').update(encode(v2.info)).digest('hex').slice(0, 40));
    const hybrid = buildV2Torrent({ name: 'hybrid', pieceLength: 16_384, files, hybrid: true });
    const hybridData = encode({ info: hybrid.info, 'piece layers': hybrid.pieceLayers });
    // The add dialog's preview names the version and both hashes.
    const preview = await session.inspectTorrent({ data: hybridData });
    expect(preview).toMatchObject({ version: 'hybrid', infoHash: createHash('sha1').update(encode(hybrid.info)).digest('hex') });
    expect(preview.infoHashV2).toBe(createHash('sha256').update(encode(hybrid.info)).digest('hex'));
    expect(await session.inspectTorrent({ data })).toMatchObject({ version: 'v2', infoHashV2: createHash('sha256').update(encode(v2.info)).digest('hex') });
    const added = await session.addTorrent({ source: { kind: 'torrent', data: hybridData }, paused: true });
    expect(added.name).toBe('hybrid');
  });

  it('refuses a save folder that is not absolute, and unknown torrents', async () => {
    const data = await torrent('alice.torrent');
    await expect(session.addTorrent({ source: { kind: 'torrent', data }, savePath: 'relative/dir' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(session.pause({ infoHashes: ['0'.repeat(40)] })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('previews a magnet link from what the link says', async () => {
    const uri = 'magnet:?xt=urn:btih:722fe65b2aa26d14f35b4ad627d20236e481d924&dn=alice.txt';
    expect(await session.inspectTorrent({ uri })).toEqual({ infoHash: '722fe65b2aa26d14f35b4ad627d20236e481d924', version: null, infoHashV2: null, name: 'alice.txt', length: null, files: [], trackers: [] });
  });

  it('adds a magnet as a metadata row that turns into a torrent with the data of a Shoal seeder (x.pe)', async () => {
    const seedDir = await tempDir('seeder');
    const seeder = await Session.start({ downloadDir: seedDir.path, listenPort: 0, listenHost: '127.0.0.1' });
    try {
      await copyFile(join(content, 'alice.txt'), join(seedDir.path, 'alice.txt'));
      const { infoHash } = await seeder.addTorrent({ source: { kind: 'torrent', data: await torrent('alice.torrent') } });
      await waitFor('the seeder to check its data', () => (seeder.torrent(infoHash)?.state === 'seeding' ? true : undefined), 10_000, 20);

      const rows: TorrentSummary[] = [];
      session.onEvent((e) => {
        if (e.name === 'torrents') rows.push(...e.payload.changed);
      });
      const uri = `magnet:?xt=urn:btih:${infoHash}&dn=..%2FMy%20Alice&xl=163783&x.pe=127.0.0.1:${seeder.listenPort}`;
      const added = await session.addTorrent({ source: { kind: 'magnet', uri }, savePath: join(sessions.dir, 'here') });
      await session.setTorrentOptions({ infoHashes: [infoHash], options: { sequential: true } });
      expect(added).toEqual({ infoHash, name: '.._My Alice' });
      expect(rows[0]).toMatchObject({ infoHash, name: '.._My Alice', state: 'metadata', length: 163783, progress: 0, savePath: join(sessions.dir, 'here') });
      await expect(session.addTorrent({ source: { kind: 'magnet', uri } })).rejects.toMatchObject({ code: 'already-exists' });
      await expect(session.addTorrent({ source: { kind: 'torrent', data: await torrent('alice.torrent') } })).rejects.toMatchObject({ code: 'already-exists' });

      await waitFor('the magnet to download', () => (session.torrent(infoHash)?.state === 'seeding' ? true : undefined), 15_000, 50);
      expect(session.torrent(infoHash)!.hasMetainfo).toBe(true);
      expect(session.torrent(infoHash)!.savePath).toBe(join(sessions.dir, 'here'));
      expect(session.torrent(infoHash)!.options.sequential).toBe(true); // set while fetching the metadata
      expect(await readFile(join(sessions.dir, 'here', 'alice.txt'))).toEqual(await readFile(join(content, 'alice.txt')));
      await waitFor('the list to say so', () => (rows.some((r) => r.infoHash === infoHash && r.state === 'seeding') ? true : undefined), 5000, 20);
      expect(rows.filter((r) => r.infoHash === infoHash).at(-1)).toMatchObject({ name: 'alice.txt', length: 163783, progress: 1 });
    } finally {
      await seeder.close();
      await seedDir.remove();
    }
  });

  it('skips the files asked for once the file list of a magnet is known, and says when some do not exist', async () => {
    const seedDir = await tempDir('seeder');
    const seeder = await Session.start({ downloadDir: seedDir.path, listenPort: 0, listenHost: '127.0.0.1' });
    try {
      await cp(join(content, 'numbers'), join(seedDir.path, 'numbers'), { recursive: true });
      const { infoHash } = await seeder.addTorrent({ source: { kind: 'torrent', data: await torrent('numbers.torrent') } });
      await waitFor('the seeder to check its data', () => (seeder.torrent(infoHash)?.state === 'seeding' ? true : undefined), 10_000, 20);
      const notices: string[] = [];
      session.onEvent((e) => e.name === 'notice' && e.payload.kind === 'error' && notices.push(e.payload.message));
      const uri = `magnet:?xt=urn:btih:${infoHash}&x.pe=127.0.0.1:${seeder.listenPort}`;
      await session.addTorrent({ source: { kind: 'magnet', uri }, skipFiles: [1, 7] });
      await waitFor('the magnet to download', () => (session.torrent(infoHash)?.state === 'seeding' ? true : undefined), 15_000, 50);
      expect(session.torrent(infoHash)!.filePriorities).toEqual(['normal', 'skip', 'normal']);
      expect(notices).toEqual(['numbers has 3 files, so some of the files asked to be skipped do not exist; the others are skipped']);
    } finally {
      await seeder.close();
      await seedDir.remove();
    }
  });

  it('pauses, resumes and removes a magnet still fetching its metadata, and refuses bad links', async () => {
    const hash = 'ab'.repeat(20);
    const added = await session.addTorrent({ source: { kind: 'magnet', uri: `magnet:?xt=urn:btih:${hash}` }, paused: true });
    expect(added).toEqual({ infoHash: hash, name: hash });
    const magnet = session.torrent(hash)!;
    expect(magnet.hasMetainfo).toBe(false);
    expect(magnet.state).toBe('paused');
    const details: ShoalEvent[] = [];
    session.onEvent((e) => e.name === 'detail' && details.push(e));
    await session.subscribe({ infoHash: hash, tab: 'general' });
    await session.subscribe({ infoHash: hash, tab: 'pieces' });
    expect(details).toHaveLength(1); // nothing to show of the pieces yet
    expect(details[0]).toMatchObject({ payload: { infoHash: hash, general: { name: hash, pieceCount: 0, magnet: `magnet:?xt=urn:btih:${hash}` } } });
    await session.resume({ infoHashes: [hash] });
    expect(magnet.state).toBe('metadata');
    await session.setTorrentOptions({ infoHashes: [hash], options: { sequential: true } });
    expect(magnet.options).toMatchObject({ sequential: true, firstLastPiecesFirst: false });
    await expect(session.setFilePriorities({ infoHash: hash, files: [{ index: 0, priority: 'skip' }] })).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/still fetching its metadata/),
    });
    await session.pause({ infoHashes: [hash] });
    expect(session.torrent(hash)).toBe(magnet);
    expect(magnet.hasMetainfo).toBe(false);
    expect(magnet.state).toBe('paused');
    await session.remove({ infoHashes: [hash], deleteFiles: true });
    expect(session.torrent(hash)).toBeUndefined();
    await expect(session.pause({ infoHashes: [hash] })).rejects.toMatchObject({ code: 'not-found' });
    await expect(session.addTorrent({ source: { kind: 'magnet', uri: 'magnet:?xt=urn:btih:123' } })).rejects.toMatchObject({ code: 'invalid-magnet' });
  });

  it('previews a multi-file torrent with its files', async () => {
    const preview = await session.inspectTorrent({ data: await torrent('numbers.torrent') });
    expect(preview.files).toEqual([
      { index: 0, path: '1.txt', length: 1 },
      { index: 1, path: '2.txt', length: 2 },
      { index: 2, path: '3.txt', length: 3 },
    ]);
  });

  it('leaves pad files out of a preview but numbers the others as the torrent does', async () => {
    const files = [
      { length: 10, path: [new TextEncoder().encode('x.txt')] },
      { length: 16_374, path: [new TextEncoder().encode('.pad'), new TextEncoder().encode('16374')], attr: new TextEncoder().encode('p') },
      { length: 5, path: [new TextEncoder().encode('y.txt')] },
    ];
    const data = bencode.encode({ info: { name: 'padded', 'piece length': 16_384, pieces: new Uint8Array(40), files } });
    const preview = await session.inspectTorrent({ data });
    expect(preview.files).toEqual([
      { index: 0, path: 'x.txt', length: 10 },
      { index: 2, path: 'y.txt', length: 5 },
    ]);
  });

  it('turns the embedded tracker on and off through settings', async () => {
    const port = await freePort();
    const settings = await session.setSettings({ trackerEnabled: true, trackerPort: port });
    expect(settings).toMatchObject({ trackerEnabled: true, trackerPort: port });
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    await session.setSettings({ trackerEnabled: false });
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('keeps its settings when the tracker port or the listening port is taken', async () => {
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '0.0.0.0', resolve));
    try {
      await expect(session.setSettings({ trackerEnabled: true, trackerPort: port })).rejects.toMatchObject({ code: 'port-in-use' });
      await expect(session.setSettings({ listenPort: port })).rejects.toMatchObject({ code: 'port-in-use', message: `port ${port} is already in use; choose another listening port` });
      const settings = await session.getSettings();
      expect(settings.trackerEnabled).toBeUndefined();
      expect(settings.listenPort).toBe(session.listenPort);
      expect(session.listenPort).not.toBe(port);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('Session: the save folder leaves room for the torrent', () => {
  it("refuses a save folder too long for the torrent's longest path, before creating it", async () => {
    // Each part of the folder is legal, and so is the torrent's path; together they pass 4,095 bytes.
    const savePath = join(sessions.dir, ...Array.from({ length: 16 }, () => 'd'.repeat(240)));
    const data = encode({ info: { files: [{ length: 1, path: ['x'.repeat(250)] }], name: 'folder', 'piece length': 16384, pieces: new Uint8Array(20) } });
    const err = await session.addTorrent({ source: { kind: 'torrent', data }, savePath, paused: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid-input' });
    expect((err as Error).message).toMatch(
      /^the save folder .+ is too long for this torrent: file 1 would have a path of 4,\d{3} bytes, more than the 4,095 a file system allows; choose a shorter save folder$/,
    );
    await expect(stat(savePath)).rejects.toMatchObject({ code: 'ENOENT' });
    // Nothing was added: the same torrent goes in with a shorter folder.
    expect(await session.addTorrent({ source: { kind: 'torrent', data }, paused: true })).toMatchObject({ name: 'folder' });
  });
});
