import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../testing/processes';
import { contentDir, readTorrent } from '../testing/shared-fixtures';
import { useTestSessions } from '../testing/test-sessions';
import type { Session } from './session';

const lots = '114ead6243792ba56297edbb9a78dfba84d4fc00';
const sessions = useTestSessions('session-rename');

/** lots-of-numbers (two folders of small files) seeding from `<tmp>/dl`. */
async function seeding(session: Session): Promise<void> {
  await mkdir(join(sessions.dir, 'dl'), { recursive: true });
  await cp(join(contentDir, 'lots-of-numbers'), join(sessions.dir, 'dl', 'lots-of-numbers'), { recursive: true });
  await session.addTorrent({ source: { kind: 'torrent', data: readTorrent('lots-of-numbers.torrent') } });
  await waitFor('seeding', () => session.torrent(lots)?.state === 'seeding' || undefined, 5000, 20);
}

const at = (...parts: string[]) => join(sessions.dir, 'dl', 'lots-of-numbers', ...parts);
const paths = (session: Session) => session.torrent(lots)!.filePathsOnDisk.map((p) => p.join('/'));

describe('Session renames', { timeout: 20_000 }, () => {
  it('renames a file and a folder on disk while seeding; the data still verifies, and a restart keeps the names and the display name', async () => {
    let session = await sessions.start();
    await seeding(session);
    const ten = readFileSync(at('big numbers', '10.txt'));
    await session.renameFile({ infoHash: lots, path: 'big numbers/10.txt', name: 'ten.txt' });
    expect(existsSync(at('big numbers', '10.txt'))).toBe(false);
    expect(readFileSync(at('big numbers', 'ten.txt')).equals(ten)).toBe(true);
    await session.renameFile({ infoHash: lots, path: 'small numbers', name: 'little' });
    expect(existsSync(at('little', '1.txt'))).toBe(true);
    expect(paths(session)).toContain('little/1.txt');
    const t = session.torrent(lots)!;
    await waitFor('seeding again', () => t.state === 'seeding' || undefined, 5000, 20);

    await session.recheck({ infoHashes: [lots] });
    await waitFor('rechecked', () => (t.state === 'seeding' && t.storage.have.complete) || undefined, 5000, 20);
    await session.renameTorrent({ infoHash: lots, name: 'My numbers' });
    expect(t.name).toBe('My numbers');

    await sessions.stop(session);
    session = await sessions.start();
    const back = session.torrent(lots)!;
    expect(back.name).toBe('My numbers');
    expect(paths(session)).toEqual(expect.arrayContaining(['big numbers/ten.txt', 'little/1.txt']));
    await waitFor('seeding after the restart', () => (back.state === 'seeding' && back.storage.have.complete) || undefined, 5000, 20);
    await session.renameTorrent({ infoHash: lots, name: null });
    expect(back.name).toBe('lots-of-numbers');
  });

  it("refuses a name with a separator or '..', a clash with the torrent's files or a stranger's file, and changes nothing", async () => {
    const session = await sessions.start();
    await seeding(session);
    await writeFile(at('big numbers', 'mine.txt'), 'not the torrent\'s');
    const rename = (path: string, name: string) => session.renameFile({ infoHash: lots, path, name });
    await expect(rename('big numbers/10.txt', '../10.txt')).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(rename('big numbers/10.txt', '..')).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(rename('big numbers/10.txt', '11.txt')).rejects.toMatchObject({ code: 'already-exists' });
    await expect(rename('big numbers/10.txt', 'mine.txt')).rejects.toMatchObject({ code: 'already-exists' });
    await expect(rename('big numbers/nope.txt', 'x.txt')).rejects.toMatchObject({ code: 'not-found' });
    expect(readFileSync(at('big numbers', 'mine.txt'), 'utf8')).toBe('not the torrent\'s');
    expect(existsSync(at('big numbers', '10.txt'))).toBe(true);
    const t = session.torrent(lots)!;
    await waitFor('seeding', () => t.state === 'seeding' || undefined, 5000, 20);
    expect(t.storage.have.complete).toBe(true);
  });
});
