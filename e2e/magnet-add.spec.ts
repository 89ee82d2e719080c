// Issue #17's add dialog for magnet links and duplicates, and a tracker failure told as a notice,
// through `shoal serve` in Chromium as a user acts and reads: an aria2c seeder and Shoal's own
// tracker on 127.0.0.1, shared by the tests, which run in order.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTorrent } from '../src-main/engine/metainfo/parse-torrent';
import { freePort, startProcess, stopAll, tempDir } from '../src-main/testing/processes';
import { cell, chooseTorrent, cli, openPage, row, run, startAria2Seeder, startServe, waitForHttp, type Serve } from './support';

test.describe.configure({ mode: 'serial' });

let work: { path: string; remove(): Promise<void> };
let data: string;
let downloads: string;
let serve: Serve;
let announce: string;
/** The album's magnet link: its info-hash, name and tracker, nothing else. */
let albumMagnet: string;
let unreachableTorrent: string;

test.beforeAll(async () => {
  work = await tempDir('e2e-magnet');
  data = join(work.path, 'data');
  downloads = join(work.path, 'downloads');
  await mkdir(join(data, 'album'), { recursive: true });
  await mkdir(join(data, 'unreachable'), { recursive: true });
  await mkdir(downloads);
  // Three files of six 16 KiB pieces each: one can be skipped without sharing a piece with the others.
  for (const name of ['a.bin', 'b.bin', 'c.bin']) await writeFile(join(data, 'album', name), randomBytes(6 * 16384));
  await writeFile(join(data, 'unreachable', 'notes.txt'), randomBytes(1000));

  const trackerPort = await freePort();
  startProcess(process.execPath, [cli, 'tracker', '--http', `127.0.0.1:${trackerPort}`, '--udp', 'off', '--interval', '60']);
  await waitForHttp(`http://127.0.0.1:${trackerPort}/`, 10_000);
  announce = `http://127.0.0.1:${trackerPort}/announce`;
  const albumTorrent = join(work.path, 'album.torrent');
  await run(['create', join(data, 'album'), '-o', albumTorrent, '--tracker', announce, '--piece-length', '16K']);
  const album = parseTorrent(await readFile(albumTorrent));
  albumMagnet = `magnet:?xt=urn:btih:${album.infoHashHex}&dn=album&tr=${encodeURIComponent(announce)}`;
  // Nothing listens there: this torrent's tracker never answers.
  unreachableTorrent = join(work.path, 'unreachable.torrent');
  await run(['create', join(data, 'unreachable'), '-o', unreachableTorrent, '--tracker', `http://127.0.0.1:${await freePort()}/announce`]);

  await startAria2Seeder(data, [albumTorrent], '512K', work.path);
  serve = await startServe({ downloadDir: downloads, stateDir: join(work.path, 'state') });
});

test.afterAll(async () => {
  await stopAll();
  await work?.remove();
});

/** Pastes a magnet link in the "Add magnet" dialog and continues to the add dialog. */
async function pasteMagnet(page: Page, uri: string): Promise<Locator> {
  await page.getByRole('button', { name: 'Add magnet' }).click();
  await page.getByRole('dialog', { name: 'Add magnet link' }).getByRole('textbox', { name: 'Magnet link' }).fill(uri);
  await page.getByRole('button', { name: 'Continue' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add torrent' });
  await expect(dialog).toBeVisible();
  return dialog;
}

const stateCell = (r: Locator) => cell(r, 4);
/** A magnet nobody seeds (its tracker answers, with no peers). */
const nobodysMagnet = (name: string) => `magnet:?xt=urn:btih:${randomBytes(20).toString('hex')}&dn=${name}&tr=${encodeURIComponent(announce)}`;

test('a magnet shows its files once its metadata arrives; a file unticked there is never downloaded', async ({ page }) => {
  await openPage(page, serve);
  const dialog = await pasteMagnet(page, albumMagnet);
  // The files come from the seeder, before anything is added or written.
  const b = dialog.getByRole('checkbox', { name: /^b\.bin/ });
  await expect(b).toBeVisible({ timeout: 30_000 });
  await expect(dialog).toContainText('288 KiB of 288 KiB');
  expect(await readdir(downloads)).toEqual([]);
  await expect(row(page, 'album')).toHaveCount(0);
  await b.uncheck();
  await expect(dialog).toContainText('192 KiB of 288 KiB');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(dialog).toHaveCount(0);

  const album = row(page, 'album');
  await expect(stateCell(album)).toHaveText('Seeding', { timeout: 60_000 });
  await expect(album.getByRole('gridcell').nth(2)).toHaveText('192 KiB');
  for (const name of ['a.bin', 'c.bin']) expect((await readFile(join(downloads, 'album', name))).equals(await readFile(join(data, 'album', name)))).toBe(true);
  const skipped = await readFile(join(downloads, 'album', 'b.bin')).catch(() => null);
  expect(skipped?.equals(await readFile(join(data, 'album', 'b.bin'))) ?? false).toBe(false);
});

test('each right-aligned header label ends where its values end (as a user reads a column down)', async ({ page }) => {
  await openPage(page, serve);
  await expect(stateCell(row(page, 'album'))).toHaveText('Seeding');
  const misses = await page.evaluate(() => {
    const rightOfText = (el: Element): number | null => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const box = range.getBoundingClientRect();
      return box.width > 0 ? box.right : null;
    };
    const headers = [...document.querySelectorAll('[role="columnheader"]')];
    const cells = [...document.querySelectorAll('.list-body [role="row"]')][0]!.querySelectorAll('[role="gridcell"]');
    return headers.flatMap((h, i) => {
      if (!h.classList.contains('end')) return [];
      // The label's own text: the button's first text node (the sort arrow and hidden title aside).
      const label = [...h.querySelector('button')!.childNodes].find((n) => n.nodeType === Node.TEXT_NODE)!;
      const range = document.createRange();
      range.selectNodeContents(label);
      const value = rightOfText(cells[i]!);
      if (value === null) return [];
      const off = Math.abs(range.getBoundingClientRect().right - value);
      return off > 1 ? [`${h.getAttribute('aria-label')}: ${off.toFixed(1)} px`] : [];
    });
  });
  expect(misses).toEqual([]);
});

test('while the metadata is awaited the dialog says so; Cancel leaves nothing, "Add without waiting" adds it at once', async ({ page }) => {
  await openPage(page, serve);
  const before = await readdir(downloads);
  let dialog = await pasteMagnet(page, nobodysMagnet('cancelled'));
  await expect(dialog.getByRole('status')).toHaveText('Fetching the list of files from peers… No peers found yet.');
  await expect(dialog).toContainText('Unknown until the metadata arrives');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  dialog = await pasteMagnet(page, nobodysMagnet('awaited'));
  await expect(dialog.getByRole('status')).toContainText('Fetching the list of files from peers…');
  await dialog.getByRole('button', { name: 'Add without waiting' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  const awaited = page.getByRole('row').filter({ hasText: 'awaited' });
  await expect(stateCell(awaited)).toHaveText('Metadata');
  await expect(page.getByRole('row').filter({ hasText: 'cancelled' })).toHaveCount(0);
  // The cancelled one left nothing in the download folder either.
  expect(await readdir(downloads)).toEqual(before);
});

test('a torrent already in the list: the dialog offers to add its new trackers to it, and does', async ({ page }) => {
  await openPage(page, serve);
  const extra = `http://127.0.0.1:${await freePort()}/announce`;
  const dialog = await pasteMagnet(page, `${albumMagnet}&tr=${encodeURIComponent(extra)}`);
  await expect(dialog.getByRole('alert')).toHaveText('"album" is already in the list. Cancel, or choose another torrent.');
  await expect(dialog).toContainText(`This one has 2 trackers: ${announce}, ${extra}`);
  await dialog.getByRole('button', { name: 'Add its trackers to "album"' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Added 1 new tracker to "album".');
  await page.keyboard.press('Escape');

  await row(page, 'album').click();
  await page.getByRole('tab', { name: 'Trackers' }).click();
  await expect(page.getByRole('tabpanel')).toContainText(extra);
  await expect(page.getByRole('tabpanel')).toContainText(announce);
});

test('a tracker that never answers is told once as a notice in a sentence, not at every failed announce', async ({ page }) => {
  await openPage(page, serve);
  await (await chooseTorrent(page, unreachableTorrent)).getByRole('button', { name: 'Add', exact: true }).click();
  const notice = page.getByRole('alert').filter({ hasText: 'No tracker of "unreachable" works.' });
  await expect(notice).toHaveText(/^No tracker of "unreachable" works\. The tracker cannot be reached \(ECONNREFUSED\): nothing answers at its address, so it is down or the address is out of date\. Shoal tries again by itself; other trackers and peers still work\./, { timeout: 30_000 });

  // The user asks the tracker again, twice: each announce fails at once, and no second notice comes.
  await row(page, 'unreachable').click();
  await page.getByRole('tab', { name: 'Trackers' }).click();
  for (let i = 0; i < 2; i++) {
    await page.getByRole('tabpanel').getByRole('button', { name: 'Reannounce now' }).click();
    await page.waitForTimeout(2000);
  }
  await expect(page.getByRole('tabpanel')).toContainText('ECONNREFUSED');
  await expect(notice).toHaveCount(1);
});
