import { chmod, mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload, ShoalEvent } from '../../src-shared/contract';
import { dispatchCommand } from '../../src-shared/contract/dispatch';
import { tempDir, waitFor } from '../testing/processes';
import { parseTorrent } from './metainfo/parse-torrent';
import { Session } from './session';
import { TorrentCreator } from './torrent-creator';

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir('creator');
});
afterEach(async () => {
  await dir.remove();
});

async function folder(): Promise<string> {
  const root = join(dir.path, 'share', 'album');
  await mkdir(join(root, 'disc 2'), { recursive: true });
  await writeFile(join(root, 'a.flac'), Buffer.alloc(70_000, 1));
  await writeFile(join(root, 'disc 2', 'b.flac'), Buffer.alloc(30_000, 2));
  return root;
}

function creator(): { creator: TorrentCreator; progress: EventPayload<'createProgress'>[] } {
  const progress: EventPayload<'createProgress'>[] = [];
  return { creator: new TorrentCreator({ progress: (p) => progress.push(p) }), progress };
}

describe('TorrentCreator', () => {
  it('makes the torrent the options describe, says where its data is, and reports progress to the end', async () => {
    const path = await folder();
    const { creator: c, progress } = creator();
    const out = await c.create({
      jobId: 'job-1',
      path,
      version: 'hybrid',
      pieceLength: 32_768,
      trackers: [['http://a.example/announce', 'udp://b.example:6969'], ['http://c.example/announce']],
      webSeeds: ['https://files.example/'],
      private: true,
      comment: 'two discs',
      source: 'home',
    });
    const m = parseTorrent(out.data);
    expect(m.version).toBe('hybrid');
    expect(m.name).toBe('album');
    expect(m.pieceLength).toBe(32_768);
    expect(m.trackers).toEqual([['http://a.example/announce', 'udp://b.example:6969'], ['http://c.example/announce']]);
    expect(m.urlList).toEqual(['https://files.example/']);
    expect(m.private).toBe(true);
    expect(m.comment).toBe('two discs');
    expect(m.source).toBe('home');
    expect(out).toMatchObject({ infoHash: m.infoHashHex, name: 'album', savePath: join(dir.path, 'share'), seedsInPlace: true, pieceLength: 32_768, pieceCount: m.pieceCount });
    expect(progress.at(-1)).toEqual({ jobId: 'job-1', hashed: 100_000, total: 100_000 });
  });

  it('chooses the piece size itself when none is given, and makes v1 by default', async () => {
    const { creator: c } = creator();
    const out = await c.create({ jobId: 'auto', path: await folder() });
    expect(parseTorrent(out.data).version).toBe('v1');
    expect(out.pieceLength).toBe(16_384);
  });

  it('says in one sentence what is wrong with the path or the options', async () => {
    const { creator: c } = creator();
    await expect(c.create({ jobId: 'j', path: join(dir.path, 'nothing') })).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/nothing does not exist/) });
    await mkdir(join(dir.path, 'empty'));
    await expect(c.create({ jobId: 'j', path: join(dir.path, 'empty') })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/holds no data to share/) });
    await expect(c.create({ jobId: 'j', path: await folder(), pieceLength: 20_000 })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/power of two/) });
  });

  it.skipIf(process.getuid?.() === 0)('says when it may not read the folder', async () => {
    const path = await folder();
    await chmod(path, 0o000);
    const { creator: c } = creator();
    await expect(c.create({ jobId: 'j', path })).rejects.toMatchObject({ code: 'permission-denied' });
    await chmod(path, 0o755);
  });

  it('stops hashing when cancelled, with the cancelled code, and frees the job id', async () => {
    // Sparse: three 16 MiB hashing jobs read zeros, so progress comes before the end.
    const big = join(dir.path, 'big.bin');
    await writeFile(big, '');
    await truncate(big, 48 * 2 ** 20);
    const progress: EventPayload<'createProgress'>[] = [];
    const c: TorrentCreator = new TorrentCreator({
      progress: (p) => {
        progress.push(p);
        void c.cancel({ jobId: 'big' });
      },
    });
    await expect(c.create({ jobId: 'big', path: big, pieceLength: 2 ** 20 })).rejects.toMatchObject({ code: 'cancelled' });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.hashed < p.total)).toBe(true);
    // Cancelled before hashing began too; then the same id may be used again.
    const early = c.create({ jobId: 'big', path: big, pieceLength: 2 ** 20 });
    await c.cancel({ jobId: 'big' });
    await expect(early).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('says when the torrent could not seed from where its data is, because a name had to change', async () => {
    const path = await folder();
    await writeFile(join(path, 'disc 2', 'track: 3.flac'), Buffer.alloc(1000, 3));
    const { creator: c } = creator();
    const out = await c.create({ jobId: 'renamed', path });
    expect(parseTorrent(out.data).files.map((f) => f.path.join('/'))).toContain('disc 2/track_ 3.flac');
    expect(out.seedsInPlace).toBe(false);
  });

  it('refuses the root of the disk', async () => {
    const { creator: c } = creator();
    await expect(c.create({ jobId: 'root', path: '/' })).rejects.toMatchObject({ code: 'invalid-input', message: 'Choose a file or folder to share, not the whole disk.' });
  });

  it('stops every job when the session closes', async () => {
    const { creator: c } = creator();
    const running = c.create({ jobId: 'left', path: await folder() });
    c.cancelAll();
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('refuses a job id already running, and more jobs than it runs at once', async () => {
    const path = await folder();
    const { creator: c } = creator();
    const first = c.create({ jobId: 'one', path });
    await expect(c.create({ jobId: 'one', path })).rejects.toMatchObject({ code: 'already-exists' });
    const second = c.create({ jobId: 'two', path });
    await expect(c.create({ jobId: 'three', path })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/wait for one to finish/) });
    await Promise.all([first, second]);
    await expect(c.create({ jobId: 'three', path })).resolves.toMatchObject({ name: 'album' });
  });
});

async function withSession(run: (session: Session) => Promise<void>): Promise<void> {
  const session = await Session.start({ downloadDir: join(dir.path, 'downloads'), listenPort: 0, listenHost: '127.0.0.1' });
  try {
    await run(session);
  } finally {
    await session.close();
  }
}

/** Adds what `createTorrent` answered, with its save path: it checks the data in place and seeds, downloading nothing. */
async function seedsInPlace(session: Session, created: Awaited<ReturnType<Session['createTorrent']>>): Promise<void> {
  const added = await session.addTorrent({ source: { kind: 'torrent', data: created.data }, savePath: created.savePath });
  expect(added.infoHash).toBe(created.infoHash);
  await waitFor('the created torrent to seed', () => (session.torrent(added.infoHash)?.state === 'seeding' ? true : undefined), 20_000);
  expect(session.torrent(added.infoHash)?.totals.downloaded).toBe(0);
}

describe('createTorrent through the session', () => {
  it('is validated like every command, emits progress, and the torrent added with its save path seeds without downloading', async () => {
    await withSession(async (session) => {
      const events: ShoalEvent[] = [];
      session.onEvent((e) => events.push(e));
      await expect(dispatchCommand(session, 'createTorrent', { jobId: 'x', path: 'relative/folder' })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/absolute path/) });
      await expect(dispatchCommand(session, 'createTorrent', { jobId: 'bad id!', path: '/tmp' })).rejects.toMatchObject({ code: 'invalid-input' });
      await expect(dispatchCommand(session, 'createTorrent', { jobId: 'x', path: '/tmp', trackers: [['ftp://no']] })).rejects.toMatchObject({ code: 'invalid-input' });
      await expect(dispatchCommand(session, 'createTorrent', { jobId: 'x', path: '/tmp', webSeeds: ['udp://no'] })).rejects.toMatchObject({ code: 'invalid-input' });
      await expect(dispatchCommand(session, 'createTorrent', { jobId: 'x', path: '/tmp', extra: 1 })).rejects.toMatchObject({ code: 'invalid-input' });

      const path = await folder();
      const created = (await dispatchCommand(session, 'createTorrent', { jobId: 'x', path })) as Awaited<ReturnType<Session['createTorrent']>>;
      expect(events.filter((e) => e.name === 'createProgress').at(-1)?.payload).toEqual({ jobId: 'x', hashed: 100_000, total: 100_000 });
      await seedsInPlace(session, created);
    });
  });

  for (const version of ['v2', 'hybrid'] as const) {
    it(`seeds a ${version} torrent it made from where the data is (pad files are not on disk)`, async () => {
      await withSession(async (session) => seedsInPlace(session, await session.createTorrent({ jobId: version, path: await folder(), version, pieceLength: 32_768 })));
    });
  }
});
