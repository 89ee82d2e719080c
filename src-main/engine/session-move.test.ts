import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src-shared/contract';
import { tempDir, waitFor } from '../testing/processes';
import { contentDir, readTorrent } from '../testing/shared-fixtures';
import { Session } from './session';

const alice = '722fe65b2aa26d14f35b4ad627d20236e481d924';
const original = readFileSync(join(contentDir, 'alice.txt'));
let dir: { path: string; remove(): Promise<void> };
let running: Session[] = [];

beforeEach(async () => {
  dir = await tempDir('session-move');
});
afterEach(async () => {
  await Promise.all(running.map((s) => s.close()));
  running = [];
  await dir.remove();
});

async function start(): Promise<Session> {
  const session = await Session.start({ downloadDir: join(dir.path, 'dl'), stateDir: join(dir.path, 'state'), listenPort: 0, listenHost: '127.0.0.1' });
  running.push(session);
  return session;
}

async function stop(session: Session): Promise<void> {
  running = running.filter((s) => s !== session);
  await session.close();
}

/** alice.txt (10 pieces) seeding from `<tmp>/old`. */
async function seeding(session: Session): Promise<void> {
  await mkdir(join(dir.path, 'old'));
  await copyFile(join(contentDir, 'alice.txt'), join(dir.path, 'old', 'alice.txt'));
  await session.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') }, savePath: join(dir.path, 'old') });
  await waitFor('seeding', () => session.torrent(alice)?.state === 'seeding' || undefined, 5000, 20);
}

function notices(session: Session): EventPayload<'notice'>[] {
  const seen: EventPayload<'notice'>[] = [];
  session.onEvent((e) => {
    if (e.name === 'notice') seen.push(e.payload);
  });
  return seen;
}

async function saved(): Promise<{ savePath: string; movingTo?: string; paused: boolean }> {
  return JSON.parse(await readFile(join(dir.path, 'state', 'torrents', `${alice}.json`), 'utf8')) as { savePath: string; movingTo?: string; paused: boolean };
}

describe('Session recheck and move storage', { timeout: 15_000 }, () => {
  it('recheck: a seed with a damaged piece becomes a download, and that is saved', async () => {
    const session = await start();
    await seeding(session);
    const handle = await open(join(dir.path, 'old', 'alice.txt'), 'r+');
    await handle.write(Buffer.from('damage'), 0, 6, 3 * 16384 + 10);
    await handle.close();
    await session.recheck({ infoHashes: [alice] });
    const t = session.torrent(alice)!;
    await waitFor('downloading', () => t.state === 'downloading' || undefined, 5000, 20);
    expect(t.storage.have.has(3)).toBe(false);
    expect(t.storage.have.count).toBe(9);
    await session.save();
    const record = (await saved()) as unknown as { resume: { have: string } };
    expect(Buffer.from(record.resume.have, 'base64')[0]! & 0x10).toBe(0);
  });

  it('moves the data, saves the new place, and keeps seeding from it', async () => {
    const session = await start();
    await seeding(session);
    const to = join(dir.path, 'new');
    await session.moveStorage({ infoHash: alice, savePath: to });
    const t = session.torrent(alice)!;
    await waitFor('moved and seeding', () => (t.savePath === to && t.state === 'seeding') || undefined, 5000, 20);
    expect(readFileSync(join(to, 'alice.txt')).equals(original)).toBe(true);
    expect(existsSync(join(dir.path, 'old', 'alice.txt'))).toBe(false);
    await session.save();
    const record = await saved();
    expect(record.savePath).toBe(to);
    expect(record.movingTo).toBeUndefined();
  });

  it('a folder that already holds a different alice.txt is refused with a notice; the data stays', async () => {
    const session = await start();
    const heard = notices(session);
    await seeding(session);
    await mkdir(join(dir.path, 'taken'));
    await writeFile(join(dir.path, 'taken', 'alice.txt'), 'somebody else');
    await session.moveStorage({ infoHash: alice, savePath: join(dir.path, 'taken') });
    const notice = await waitFor('a notice', () => heard.find((n) => n.kind === 'error'), 5000, 20);
    expect(notice).toMatchObject({ code: 'already-exists', infoHash: alice });
    expect(notice.message).toMatch(/^alice\.txt was not moved and stays in .*old: the new folder already holds .*alice\.txt; nothing was moved\.$/);
    expect(session.torrent(alice)?.state).toBe('seeding');
    expect(readFileSync(join(dir.path, 'old', 'alice.txt')).equals(original)).toBe(true);
    expect(readFileSync(join(dir.path, 'taken', 'alice.txt'), 'utf8')).toBe('somebody else');
    await expect(session.moveStorage({ infoHash: alice, savePath: join(dir.path, 'old') })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('a restart after an interrupted move uses the old place and removes the partial copy, nothing else', async () => {
    const first = await start();
    await seeding(first);
    await first.pause({ infoHashes: [alice] });
    await stop(first);
    // What a crash mid-copy leaves: movingTo saved, half of alice.txt at the new place.
    const to = join(dir.path, 'new');
    const statePath = join(dir.path, 'state', 'torrents', `${alice}.json`);
    const record = JSON.parse(await readFile(statePath, 'utf8')) as Record<string, unknown>;
    await writeFile(statePath, JSON.stringify({ ...record, movingTo: to }));
    await mkdir(to);
    await writeFile(join(to, 'alice.txt'), original.subarray(0, 50_000));
    await writeFile(join(to, 'notes.txt'), 'the user keeps this');

    const second = await start();
    const t = second.torrent(alice)!;
    expect(t.savePath).toBe(join(dir.path, 'old'));
    expect(t.state).toBe('paused');
    expect(existsSync(join(to, 'alice.txt'))).toBe(false);
    expect(readFileSync(join(to, 'notes.txt'), 'utf8')).toBe('the user keeps this');
    expect(readFileSync(join(dir.path, 'old', 'alice.txt')).equals(original)).toBe(true);
    await second.save();
    expect((await saved()).movingTo).toBeUndefined();
  });

  it('refuses a recheck or a move of a torrent that is still moving', async () => {
    const session = await start();
    await seeding(session);
    await session.moveStorage({ infoHash: alice, savePath: join(dir.path, 'new') });
    // The state changes before the command answers; the move itself takes a few saves and renames longer.
    expect(session.torrent(alice)!.state).toBe('moving');
    await expect(session.recheck({ infoHashes: [alice] })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/still moving/) });
    await expect(session.moveStorage({ infoHash: alice, savePath: join(dir.path, 'third') })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
