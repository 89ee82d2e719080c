import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src-shared/contract';
import { waitFor } from '../testing/processes';
import { contentDir, readTorrent } from '../testing/shared-fixtures';
import { alice, useTestSessions } from '../testing/test-sessions';
import type { Session } from './session';

const original = readFileSync(join(contentDir, 'alice.txt'));
const sessions = useTestSessions('session-move');

/** alice.txt (10 pieces) seeding from `<tmp>/old`. */
async function seeding(session: Session): Promise<void> {
  await mkdir(join(sessions.dir, 'old'));
  await copyFile(join(contentDir, 'alice.txt'), join(sessions.dir, 'old', 'alice.txt'));
  await session.addTorrent({ source: { kind: 'torrent', data: readTorrent('alice.torrent') }, savePath: join(sessions.dir, 'old') });
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
  return JSON.parse(await readFile(join(sessions.dir, 'state', 'torrents', `${alice}.json`), 'utf8')) as { savePath: string; movingTo?: string; paused: boolean };
}

describe('Session recheck and move storage', { timeout: 15_000 }, () => {
  it('recheck: a seed with a damaged piece becomes a download, and that is saved', async () => {
    const session = await sessions.start();
    await seeding(session);
    const handle = await open(join(sessions.dir, 'old', 'alice.txt'), 'r+');
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
    const session = await sessions.start();
    await seeding(session);
    const to = join(sessions.dir, 'new');
    await session.moveStorage({ infoHash: alice, savePath: to });
    const t = session.torrent(alice)!;
    await waitFor('moved and seeding', () => (t.savePath === to && t.state === 'seeding') || undefined, 5000, 20);
    expect(readFileSync(join(to, 'alice.txt')).equals(original)).toBe(true);
    expect(existsSync(join(sessions.dir, 'old', 'alice.txt'))).toBe(false);
    await session.save();
    const record = await saved();
    expect(record.savePath).toBe(to);
    expect(record.movingTo).toBeUndefined();
  });

  it('a folder that already holds a different alice.txt is refused with a notice; the data stays', async () => {
    const session = await sessions.start();
    const heard = notices(session);
    await seeding(session);
    await mkdir(join(sessions.dir, 'taken'));
    await writeFile(join(sessions.dir, 'taken', 'alice.txt'), 'somebody else');
    await session.moveStorage({ infoHash: alice, savePath: join(sessions.dir, 'taken') });
    const notice = await waitFor('a notice', () => heard.find((n) => n.kind === 'error'), 5000, 20);
    expect(notice).toMatchObject({ code: 'already-exists', infoHash: alice });
    expect(notice.message).toMatch(/^alice\.txt was not moved and stays in .*old: the new folder already holds .*alice\.txt; nothing was moved\.$/);
    expect(session.torrent(alice)?.state).toBe('seeding');
    expect(readFileSync(join(sessions.dir, 'old', 'alice.txt')).equals(original)).toBe(true);
    expect(readFileSync(join(sessions.dir, 'taken', 'alice.txt'), 'utf8')).toBe('somebody else');
    await expect(session.moveStorage({ infoHash: alice, savePath: join(sessions.dir, 'old') })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('a restart after an interrupted move uses the old place and removes the partial copy, nothing else', async () => {
    const first = await sessions.start();
    await seeding(first);
    await first.pause({ infoHashes: [alice] });
    await sessions.stop(first);
    // What a crash mid-copy leaves: movingTo saved, half of alice.txt at the new place.
    const to = join(sessions.dir, 'new');
    const statePath = join(sessions.dir, 'state', 'torrents', `${alice}.json`);
    const record = JSON.parse(await readFile(statePath, 'utf8')) as Record<string, unknown>;
    await writeFile(statePath, JSON.stringify({ ...record, movingTo: to }));
    await mkdir(to);
    await writeFile(join(to, 'alice.txt'), original.subarray(0, 50_000));
    await writeFile(join(to, 'notes.txt'), 'the user keeps this');

    const second = await sessions.start();
    const t = second.torrent(alice)!;
    expect(t.savePath).toBe(join(sessions.dir, 'old'));
    expect(t.state).toBe('paused');
    expect(existsSync(join(to, 'alice.txt'))).toBe(false);
    expect(readFileSync(join(to, 'notes.txt'), 'utf8')).toBe('the user keeps this');
    expect(readFileSync(join(sessions.dir, 'old', 'alice.txt')).equals(original)).toBe(true);
    await second.save();
    expect((await saved()).movingTo).toBeUndefined();
  });

  it('refuses a recheck or a move of a torrent that is still moving', async () => {
    const session = await sessions.start();
    await seeding(session);
    await session.moveStorage({ infoHash: alice, savePath: join(sessions.dir, 'new') });
    // The state changes before the command answers; the move itself takes a few saves and renames longer.
    expect(session.torrent(alice)!.state).toBe('moving');
    await expect(session.recheck({ infoHashes: [alice] })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/still moving/) });
    await expect(session.moveStorage({ infoHash: alice, savePath: join(sessions.dir, 'third') })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
