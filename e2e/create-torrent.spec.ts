// Issue #18 item 1 through `shoal serve` in Chromium, as a user would: create a torrent of a folder
// with the embedded tracker, download the .torrent, start seeding it, and aria2c leechers download
// it from Shoal alone, before and after a restart of `shoal serve`.
import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startAria2Leecher } from '../src-main/testing/clients';
import { freePort, stopAll, tempDir } from '../src-main/testing/processes';
import { cli, openPage, row, startServe, type Serve } from './support';
import { checkView } from './views';

test.describe.configure({ mode: 'serial' });

let work: { path: string; remove(): Promise<void> };
let serve: Serve;
let album: string;
/** What the album folder holds, by path inside it. */
const content: Record<string, Buffer> = {
  'a.bin': randomBytes(180_000),
  'b.bin': randomBytes(65_536),
  'disc 2/c.bin': randomBytes(90_001),
};

test.beforeAll(async () => {
  work = await tempDir('e2e-create');
  album = join(work.path, 'share', 'album');
  await mkdir(join(album, 'disc 2'), { recursive: true });
  await mkdir(join(work.path, 'downloads'));
  for (const [path, bytes] of Object.entries(content)) await writeFile(join(album, path), bytes);
  serve = await startServe({ downloadDir: join(work.path, 'downloads'), stateDir: join(work.path, 'state') });
});

test.afterAll(async () => {
  await stopAll();
  await work?.remove();
});

/** An aria2c leecher downloads the torrent into a folder of its own; every byte must match the album's. */
async function leech(torrent: string, name: string): Promise<void> {
  const out = join(work.path, name);
  await mkdir(out);
  const leecher = await startAria2Leecher(torrent, out);
  const code = await Promise.race([leecher.process.exited, new Promise<'late'>((r) => setTimeout(() => r('late'), 60_000))]);
  await leecher.stop();
  expect(code, `aria2c ${name}: ${leecher.process.output()}`).toBe(0);
  for (const [path, bytes] of Object.entries(content)) expect((await readFile(join(out, 'album', path))).equals(bytes), path).toBe(true);
}

test('creates a torrent of a folder with the embedded tracker, seeds it, and aria2c downloads it, also after a restart', async ({ page }) => {
  test.setTimeout(240_000);
  await openPage(page, serve);
  const trackerPort = await freePort();
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('checkbox', { name: 'Run the embedded tracker' }).check();
  await settings.getByRole('textbox', { name: 'Tracker port' }).fill(String(trackerPort));
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toBeHidden();

  await page.getByRole('button', { name: 'Create torrent…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create torrent' });
  const path = dialog.getByRole('textbox', { name: /File or folder to share/ });
  await expect(path).toBeFocused();
  // A path that is not there: the engine says so in a sentence, and the dialog stays.
  await path.fill(join(work.path, 'share', 'missing'));
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(`${join(work.path, 'share', 'missing')} does not exist. Check that it was not moved or renamed, and that its disk is connected.`);

  await path.fill(album);
  await dialog.getByRole('button', { name: 'Use the embedded tracker' }).click();
  const announce = `http://127.0.0.1:${trackerPort}/announce`;
  await expect(dialog.getByRole('textbox', { name: /Trackers/ })).toHaveValue(announce);
  await dialog.getByRole('combobox', { name: 'Piece size' }).selectOption({ label: '32 KiB' });
  await dialog.getByRole('textbox', { name: 'Comment' }).fill('made in the web UI');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByRole('status').first()).toHaveText('Created “album”: 11 pieces of 32 KiB.', { timeout: 30_000 });
  await checkView(page, 'create-dialog-done');

  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Download .torrent' }).click();
  expect((await download).suggestedFilename()).toBe('album.torrent');
  const torrent = join(work.path, 'album.torrent');
  await (await download).saveAs(torrent);
  const info = await promisify(execFile)(process.execPath, [cli, 'info', torrent]);
  expect(info.stdout).toContain(announce);
  expect(info.stdout).toContain('made in the web UI');

  await dialog.getByRole('button', { name: 'Start seeding' }).click();
  await expect(dialog.getByRole('button', { name: 'Seeding' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Done' }).click();
  // Its data was already in place: it checks and seeds, downloading nothing.
  await expect(row(page, 'album')).toContainText(/seeding/i, { timeout: 30_000 });
  await leech(torrent, 'leecher-1');

  await serve.restart();
  await openPage(page, serve);
  await expect(row(page, 'album')).toContainText(/seeding/i, { timeout: 30_000 });
  await leech(torrent, 'leecher-2');
});

test('Cancel stops a long hash and the dialog goes back to its form', async ({ page }) => {
  // Sparse, so it costs no disk; 4 GiB takes far longer to hash than the click to cancel.
  const big = join(work.path, 'big.bin');
  await writeFile(big, '');
  await promisify(execFile)('truncate', ['-s', '4G', big]);
  await openPage(page, serve);
  await page.getByRole('button', { name: 'Create torrent…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create torrent' });
  await dialog.getByRole('textbox', { name: /File or folder to share/ }).fill(big);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByRole('progressbar')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog.getByRole('progressbar')).toBeHidden({ timeout: 10_000 });
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Create' })).toBeEnabled();
});
