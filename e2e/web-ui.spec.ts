// The real UI in Debian's Chromium through `shoal serve`, with a real aria2c seeder and Shoal's own
// tracker on 127.0.0.1. Screenshots of the main views, light and dark, land in test-results/.
import { expect, test, type Page } from '@playwright/test';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, startProcess, stopAll, tempDir } from '../src-main/testing/processes';
import { cli, fixtures, repo, row, run, startAria2Seeder, token, waitForHttp } from './support';

const shots = join(repo, 'test-results', 'screenshots');

let work: { path: string; remove(): Promise<void> };
let serveUrl: string;

test.beforeAll(async () => {
  work = await tempDir('e2e');
  const data = join(work.path, 'data');
  await mkdir(data);
  await cp(join(fixtures, 'alice.txt'), join(data, 'alice.txt'));
  await cp(join(fixtures, 'folder'), join(data, 'folder'), { recursive: true });

  const trackerPort = await freePort();
  startProcess(process.execPath, [cli, 'tracker', '--http', `127.0.0.1:${trackerPort}`, '--udp', 'off', '--interval', '60']);
  const announce = `http://127.0.0.1:${trackerPort}/announce`;
  await waitForHttp(`http://127.0.0.1:${trackerPort}/`, 10_000);
  await run(['create', join(data, 'alice.txt'), '-o', join(work.path, 'alice.torrent'), '--tracker', announce]);
  await run(['create', join(data, 'folder'), '-o', join(work.path, 'folder.torrent'), '--tracker', announce]);

  // Slow enough (163 KB at 24 KB/s) that the seeder is still connected while we look at it.
  await startAria2Seeder(data, [join(work.path, 'alice.torrent'), join(work.path, 'folder.torrent')], '24K', work.path);

  const servePort = await freePort();
  startProcess(process.execPath, [cli, 'serve', '--port', String(servePort), '--token', token, '--download-dir', join(work.path, 'downloads'), '--state-dir', join(work.path, 'state')]);
  serveUrl = `http://127.0.0.1:${servePort}`;
  await waitForHttp(serveUrl, 20_000);
  await mkdir(shots, { recursive: true });
});

test.afterAll(async () => {
  await stopAll();
  await work?.remove();
});

async function screenshots(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Let the buttons' colour transitions finish, or the picture mixes both themes.
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(shots, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('adds, downloads, inspects, pauses, resumes and removes torrents', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${serveUrl}/?token=${token}`);
  await expect(page.getByRole('toolbar', { name: 'Torrent actions' })).toBeVisible();

  // A broken .torrent is refused with a visible message.
  await page.getByLabel('Choose torrent files').setInputFiles({ name: 'broken.torrent', mimeType: 'application/x-bittorrent', buffer: Buffer.from('d4:infoi1ee') });
  await expect(page.getByRole('alert').first()).toBeVisible();
  await expect(page.getByRole('alert').first()).toContainText(/torrent/i);
  await screenshots(page, 'error');

  // Add through the file chooser, as a user clicking "Add torrent" would.
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Add torrent' }).click();
  await (await chooser).setFiles(join(work.path, 'alice.torrent'));
  const dialog = page.getByRole('dialog', { name: 'Add torrent' });
  await expect(dialog).toContainText('alice.txt');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();

  const alice = row(page, 'alice.txt');
  await expect(alice).toBeVisible();
  // While it downloads, the seeder shows in the Peers tab (once complete, two seeds part).
  await alice.click();
  await page.getByRole('tab', { name: /Peers/ }).click();
  const peersTable = page.getByRole('table', { name: 'Peers' });
  await expect(peersTable).toContainText('127.0.0.1', { timeout: 20_000 });
  await expect(peersTable).toContainText(/aria2/i);
  await screenshots(page, 'peers');
  await expect(page.getByRole('progressbar', { name: 'Progress of alice.txt' })).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });
  await expect(alice).toContainText(/seeding/i, { timeout: 30_000 });

  // Add by dropping the file on the window.
  const folderBytes = [...(await readFile(join(work.path, 'folder.torrent')))];
  await page.evaluate((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], 'folder.torrent', { type: 'application/x-bittorrent' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, folderBytes);
  await expect(dialog).toContainText('folder');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('progressbar', { name: 'Progress of folder' })).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });
  await screenshots(page, 'list');

  // Every tab of the detail panel shows the selected torrent.
  await alice.click();
  await page.getByRole('tab', { name: /Pieces/ }).click();
  const pieces = page.getByRole('img', { name: /^Pieces: \d+ of 10$/ });
  await expect(pieces).toHaveAttribute('data-piece-count', '10');
  await expect(page.getByRole('img', { name: 'Pieces: 10 of 10' })).toBeVisible({ timeout: 10_000 });
  await screenshots(page, 'pieces');

  await page.getByRole('tab', { name: /Files/ }).click();
  await expect(page.getByRole('tree', { name: 'Files' }).getByRole('treeitem', { name: 'alice.txt' })).toBeVisible();
  await screenshots(page, 'files');

  await page.getByRole('tab', { name: /Trackers/ }).click();
  await expect(page.getByRole('table', { name: 'Trackers' })).toContainText('/announce');
  await expect(page.getByRole('table', { name: 'Trackers' })).toContainText(/working/i, { timeout: 20_000 });
  await screenshots(page, 'trackers');

  await page.getByRole('tab', { name: /General/ }).click();
  await screenshots(page, 'general');

  // Pause, resume, remove.
  await page.getByRole('toolbar', { name: 'Torrent actions' }).getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(alice).toContainText(/paused/i);
  await page.getByRole('toolbar', { name: 'Torrent actions' }).getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(alice).toContainText(/seeding/i, { timeout: 30_000 });
  await page.getByRole('toolbar', { name: 'Torrent actions' }).getByRole('button', { name: 'Remove', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(alice).toHaveCount(0);
  await expect(row(page, 'folder')).toBeVisible();

  // Settings: a global download limit is saved by the engine and shown beside the rate.
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByRole('textbox', { name: 'Download folder' })).toHaveValue(join(work.path, 'downloads'));
  await settings.getByRole('textbox', { name: 'Download limit', exact: true }).fill('512');
  await screenshots(page, 'settings');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toHaveCount(0);
  await expect(page.getByRole('contentinfo', { name: 'Status bar' })).toContainText('max 512 KiB/s');
  await page.keyboard.press('Control+,');
  await expect(page.getByRole('dialog', { name: 'Settings' }).getByRole('textbox', { name: 'Download limit', exact: true })).toHaveValue('512');
  await page.keyboard.press('Escape');
});
