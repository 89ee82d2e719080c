import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/processes';
import { bencode } from './bencode';
import { Session } from './session';

let session: Session;
let dir: { path: string; remove(): Promise<void> };

beforeEach(async () => {
  dir = await tempDir('session-save-folder');
  session = await Session.start({ downloadDir: dir.path, listenPort: 0, listenHost: '127.0.0.1' });
});

afterEach(async () => {
  await session.close();
  await dir.remove();
});

describe('Session: the save folder leaves room for the torrent', () => {
  it("refuses a save folder too long for the torrent's longest path, before creating it", async () => {
    // Each part of the folder is legal, and so is the torrent's path; together they pass 4,095 bytes.
    const savePath = join(dir.path, ...Array.from({ length: 16 }, () => 'd'.repeat(240)));
    const data = bencode({ info: { files: [{ length: 1, path: ['x'.repeat(250)] }], name: 'folder', 'piece length': 16384, pieces: new Uint8Array(20) } });
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
