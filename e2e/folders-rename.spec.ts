// Issue #18's folders and renames through `shoal serve` in Chromium, as a user acts and reads: a
// watch folder and an incomplete-downloads folder set in Settings, a file renamed on disk that
// still verifies, a torrent renamed and labelled in its General tab, all kept across a restart.
// One serve, one tracker and one aria2c seeder shared by the tests, which run in order.
import { expect, test } from '@playwright/test';
import { access, copyFile, cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, startProcess, stopAll, tempDir } from '../src-main/testing/processes';
import { chooseTorrent, cli, fixtures, openPage, row, run, startAria2Seeder, startServe, waitForHttp, type Serve } from './support';
import { expectAccessible } from './views';

test.describe.configure({ mode: 'serial' });

let work: { path: string; remove(): Promise<void> };
let serve: Serve;
let downloads: string;
let incomplete: string;
let watch: string;
const book = 'Leaves of Grass by Walt Whitman.epub';
const exists = (file: string) => access(file).then(() => true, () => false);

test.beforeAll(async () => {
  work = await tempDir('e2e-folders');
  downloads = join(work.path, 'downloads');
  incomplete = join(work.path, 'incomplete');
  watch = join(work.path, 'watch');
  const seeded = join(work.path, 'seeded');
  await mkdir(downloads);
  await mkdir(seeded);
  await cp(join(fixtures, book), join(seeded, book));
  await cp(join(fixtures, 'numbers'), join(seeded, 'numbers'), { recursive: true });
  const trackerPort = await freePort();
  startProcess(process.execPath, [cli, 'tracker', '--http', `127.0.0.1:${trackerPort}`, '--udp', 'off', '--interval', '60']);
  await waitForHttp(`http://127.0.0.1:${trackerPort}/`, 10_000);
  const announce = `http://127.0.0.1:${trackerPort}/announce`;
  await run(['create', join(seeded, book), '-o', join(work.path, 'book.torrent'), '--tracker', announce]);
  await run(['create', join(seeded, 'numbers'), '-o', join(work.path, 'numbers.torrent'), '--tracker', announce]);
  // 362 KB at 64 KB/s: a download of a few seconds, so the move happens after the user has looked.
  await startAria2Seeder(seeded, [join(work.path, 'book.torrent'), join(work.path, 'numbers.torrent')], '64K', work.path);
  serve = await startServe({ downloadDir: downloads, stateDir: join(work.path, 'state') });
});

test.afterAll(async () => {
  await stopAll();
  await work?.remove();
});

test('a .torrent dropped in the watch folder is added and moved to done; it downloads in the incomplete folder and its file moves to the save folder when complete', async ({ page }) => {
  await openPage(page, serve);
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('textbox', { name: 'Incomplete-downloads folder' }).fill(incomplete);
  await settings.getByRole('textbox', { name: 'Watch folder' }).fill(watch);
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toHaveCount(0);

  await copyFile(join(work.path, 'book.torrent'), join(watch, 'book.torrent'));
  const torrent = row(page, book);
  await expect(torrent).toBeVisible({ timeout: 15_000 });
  await expect.poll(() => exists(join(watch, 'done', 'book.torrent')), { timeout: 10_000 }).toBe(true);
  expect(await exists(join(watch, 'book.torrent'))).toBe(false);

  await torrent.click();
  const general = page.getByRole('tabpanel');
  await expect(general).toContainText(`Save path${incomplete}`, { timeout: 10_000 });
  await expect(page.getByRole('progressbar', { name: `Progress of ${book}` })).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });
  await expect(general).toContainText(`Save path${downloads}`, { timeout: 15_000 });
  await expect(torrent).toContainText(/seeding/i, { timeout: 15_000 });
  expect(await readFile(join(downloads, book))).toEqual(await readFile(join(fixtures, book)));
  expect(await exists(join(incomplete, book))).toBe(false);
});

test('renames a file on disk (a bad name is refused in the dialog), the torrent still verifies, and its name, category and tags are set; all kept across a restart', async ({ page }) => {
  const counting = join(work.path, 'counting');
  await openPage(page, serve);
  await page.getByRole('navigation', { name: 'Filters' }).getByRole('button', { name: 'Manage categories…' }).click();
  const manage = page.getByRole('dialog', { name: 'Categories' });
  await manage.getByRole('textbox', { name: 'Category name' }).fill('counting');
  await manage.getByRole('textbox', { name: 'Save path' }).fill(counting);
  await manage.getByRole('button', { name: 'Add category' }).click();
  await expect(manage.getByRole('table', { name: 'Categories' })).toContainText('counting');
  await manage.getByRole('button', { name: 'Close' }).click();

  await (await chooseTorrent(page, join(work.path, 'numbers.torrent'))).getByRole('button', { name: 'Add', exact: true }).click();
  const numbers = row(page, 'numbers');
  await expect(numbers).toContainText(/seeding/i, { timeout: 60_000 });
  await numbers.click();
  // Finished in the incomplete folder, it moved to the download folder.
  await expect(page.getByRole('tabpanel')).toContainText(`Save path${downloads}`, { timeout: 15_000 });

  await page.getByRole('tab', { name: 'Files' }).click();
  const files = page.getByRole('tree', { name: 'Files' });
  await files.getByRole('button', { name: 'Rename 1.txt' }).click();
  const dialog = page.getByRole('dialog', { name: 'Rename file' });
  const field = dialog.getByRole('textbox', { name: 'New name' });
  await field.fill('../1.txt');
  await dialog.getByRole('button', { name: 'Rename' }).click();
  await expect(dialog.getByRole('alert')).toContainText('path separator');
  await expectAccessible(page, '[role="dialog"]');
  await field.fill('2.txt');
  await field.press('Enter');
  await expect(dialog.getByRole('alert')).toContainText('already a file or folder named "2.txt"');
  await field.fill('one.txt');
  await field.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(files.getByRole('treeitem').filter({ hasText: 'one.txt' })).toBeVisible({ timeout: 10_000 });
  expect(await readFile(join(downloads, 'numbers', 'one.txt'), 'utf8')).toBe(await readFile(join(fixtures, 'numbers', '1.txt'), 'utf8'));
  expect(await exists(join(downloads, 'numbers', '1.txt'))).toBe(false);
  await expect(numbers).toContainText(/seeding/i, { timeout: 15_000 });

  // Recheck reads every piece from disk again: under the new name, all of them verify.
  await numbers.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Recheck' }).click();
  await expect(numbers).toContainText(/seeding/i, { timeout: 30_000 });
  await expect(page.getByRole('progressbar', { name: 'Progress of numbers' })).toHaveAttribute('aria-valuenow', '100');

  await numbers.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Rename…' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename torrent' });
  await expectAccessible(page, '[role="dialog"]');
  await rename.getByRole('textbox', { name: 'Name in the list' }).fill('My numbers');
  await rename.getByRole('button', { name: 'Rename' }).click();
  const mine = row(page, 'My numbers');
  await expect(mine).toBeVisible();

  await mine.click();
  await page.getByRole('tab', { name: 'General' }).click();
  const labels = page.getByRole('form', { name: 'Category and tags' });
  await labels.getByRole('combobox', { name: 'Category' }).selectOption('counting');
  await labels.getByRole('textbox', { name: 'Tags (comma-separated)' }).fill('small, digits');
  await labels.getByRole('button', { name: 'Apply' }).click();
  const filters = page.getByRole('navigation', { name: 'Filters' });
  await expect(filters.getByRole('region', { name: 'Tags' }).getByRole('button', { name: 'digits 1' })).toBeVisible({ timeout: 10_000 });
  await expectAccessible(page, '.detail');
  // The category's folder is for torrents added to it: this one's data stays where it is.
  expect(await exists(join(downloads, 'numbers', 'one.txt'))).toBe(true);

  await serve.restart();
  await openPage(page, serve);
  await expect(mine).toContainText(/seeding/i, { timeout: 30_000 });
  await expect(page.getByRole('progressbar', { name: 'Progress of My numbers' })).toHaveAttribute('aria-valuenow', '100');
  await expect(filters.getByRole('region', { name: 'Categories' }).getByRole('button', { name: 'counting 1' })).toBeVisible();
  await expect(filters.getByRole('region', { name: 'Tags' }).getByRole('button', { name: 'small 1' })).toBeVisible();
  await mine.click();
  await page.getByRole('tab', { name: 'General' }).click();
  await expect(labels.getByRole('textbox', { name: 'Tags (comma-separated)' })).toHaveValue('small, digits');
  await expect(labels.getByRole('combobox', { name: 'Category' })).toHaveValue('counting');
  await page.getByRole('tab', { name: 'Files' }).click();
  await expect(files.getByRole('treeitem').filter({ hasText: 'one.txt' })).toBeVisible({ timeout: 10_000 });
  // The watch folder and the incomplete folder are settings, saved with the session.
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByRole('textbox', { name: 'Watch folder' })).toHaveValue(watch);
  await expect(settings.getByRole('textbox', { name: 'Incomplete-downloads folder' })).toHaveValue(incomplete);
});
