import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTorrentFile, parseTorrentFrom } from './load-torrent';
import { torrentsDir } from '../../testing/shared-fixtures';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-load-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadTorrentFile', () => {
  it("names a torrent without info.name after its file, whatever the extension's case", async () => {
    const path = join(dir, 'My Book.TORRENT');
    await copyFile(join(torrentsDir, 'corrupt.torrent'), path);
    const m = await loadTorrentFile(path);
    expect(m.name).toBe('My Book');
    expect(m.infoHashHex).toBe('a8c5ba22839b4a22c99cc8197dcfcbf558ef1e09');
  });

  it('refuses a file larger than any torrent without reading it', async () => {
    const path = join(dir, 'huge.torrent');
    await writeFile(path, '');
    await truncate(path, 64 * 1024 * 1024); // sparse: no 64 MiB is written or read
    await expect(loadTorrentFile(path)).rejects.toMatchObject({ code: 'invalid-torrent', message: expect.stringMatching(/more than any torrent file/) });
  });

  it('refuses a folder and a missing file with a sentence', async () => {
    await expect(loadTorrentFile(dir)).rejects.toMatchObject({ code: 'invalid-input', message: `'${dir}' is not a file.` });
    const missing = join(dir, 'missing.torrent');
    await expect(loadTorrentFile(missing)).rejects.toMatchObject({ code: 'not-found', message: `${missing} does not exist. Check that it was not moved or renamed, and that its disk is connected.` });
  });
});

describe('parseTorrentFrom', () => {
  it('names a torrent without info.name after the file a front end sent, with either kind of separator', async () => {
    const data = await readFile(join(torrentsDir, 'corrupt.torrent'));
    expect(parseTorrentFrom(data, 'C:\\Users\\me\\My Book.torrent').name).toBe('My Book');
    expect(parseTorrentFrom(data, '/home/me/Other.Torrent').name).toBe('Other');
    expect(parseTorrentFrom(data, undefined).infoHashHex).toBe('a8c5ba22839b4a22c99cc8197dcfcbf558ef1e09');
  });
});
