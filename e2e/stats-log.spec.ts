// Issue #18 items 4 and 7 through `shoal serve` in Chromium, with an aria2c seeder: the speed graph
// during a download, the finished notice in the Log view and as a browser notification, all-time
// statistics across a restart of `shoal serve`. Axe over these views: ui-finished.spec.ts (test 7).
import { expect, test, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, startProcess, stopAll, tempDir } from '../src-main/testing/processes';
import { cell, chooseTorrent, cli, openPage, row, run, startAria2Seeder, startServe, waitForHttp, type Serve } from './support';

test.describe.configure({ mode: 'serial' });

let work: { path: string; remove(): Promise<void> };
let serve: Serve;
let torrentFile: string;
const name = 'graph.bin';
/** Downloaded all time, as the Statistics view said before the restart. */
let allTimeDownloaded = '';

test.beforeAll(async () => {
  work = await tempDir('e2e-stats18');
  const data = join(work.path, 'data');
  await mkdir(data);
  // 3 MiB at 512 KiB/s: several seconds of download for the graph to catch.
  await writeFile(join(data, name), randomBytes(3 << 20));
  torrentFile = join(work.path, 'graph.torrent');
  const trackerPort = await freePort();
  startProcess(process.execPath, [cli, 'tracker', '--http', `127.0.0.1:${trackerPort}`, '--udp', 'off', '--interval', '60']);
  await waitForHttp(`http://127.0.0.1:${trackerPort}/`, 10_000);
  await run(['create', join(data, name), '-o', torrentFile, '--tracker', `http://127.0.0.1:${trackerPort}/announce`]);
  await startAria2Seeder(data, [torrentFile], '512K', work.path);
  serve = await startServe({ downloadDir: join(work.path, 'downloads'), stateDir: join(work.path, 'state') });
});

test.afterAll(async () => {
  await stopAll();
  await work?.remove();
});

/** Records each Notification the page constructs (and still shows it), so the test can see what was notified. */
async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Real = window.Notification;
    const shown: { title: string; body: string | undefined }[] = [];
    const Recording = function (title: string, options?: NotificationOptions) {
      shown.push({ title, body: options?.body });
      return new Real(title, options);
    };
    Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
    Object.assign(Recording, { requestPermission: Real.requestPermission.bind(Real) });
    Object.assign(window, { Notification: Recording, shownNotifications: shown });
  });
}

const shownNotifications = (page: Page) => page.evaluate(() => (window as unknown as { shownNotifications: unknown[] }).shownNotifications);
const dialog = (page: Page, title: string) => page.getByRole('dialog', { name: title });
/** A figure's sentence once its download peak is above zero. */
const movedDown = /Download now [^,]+, average [^,]+, peak (?!0 B\/s)[\d.]+ [KMG]?i?B\/s/;

test('during a download the speed graphs show it; on finishing, a notification (allowed) and the Log name the torrent, also after a reload', async ({ page, context }) => {
  await context.grantPermissions(['notifications'], { origin: serve.url });
  await recordNotifications(page);
  await openPage(page, serve);

  // The user turns notifications on (the browser already allows them).
  await page.getByRole('button', { name: 'Log', exact: true }).click();
  await expect(dialog(page, 'Log').getByText('Nothing has happened yet.')).toBeVisible();
  await dialog(page, 'Log').getByRole('checkbox', { name: /Notify me when a download finishes/ }).check();
  await expect(dialog(page, 'Log').getByRole('checkbox', { name: /Notify me/ })).toBeChecked();
  await page.keyboard.press('Escape');

  const add = await chooseTorrent(page, torrentFile);
  await add.getByRole('button', { name: 'Add', exact: true }).click();
  const r = row(page, name);
  await expect(cell(r, 4)).toHaveText('Downloading', { timeout: 30_000 });
  await r.click();
  await page.getByRole('tab', { name: 'Speed' }).click();
  const own = page.getByRole('figure', { name: `Speed of ${name}` });
  await expect(own.locator('figcaption')).toHaveText(movedDown, { timeout: 20_000 });
  await expect(own.locator('polyline.down')).toHaveCount(1);
  // The whole session's graph, in Statistics.
  await page.getByRole('button', { name: 'Statistics' }).click();
  await expect(dialog(page, 'Statistics').getByRole('figure', { name: 'Speed of all torrents' }).locator('figcaption')).toHaveText(movedDown, { timeout: 10_000 });
  await page.keyboard.press('Escape');

  await expect(cell(r, 4)).toHaveText('Seeding', { timeout: 60_000 });
  await expect.poll(() => shownNotifications(page), { timeout: 10_000 }).toEqual([{ title: 'Download complete', body: name }]);

  for (const when of ['now', 'after a reload']) {
    if (when !== 'now') await page.reload();
    await page.getByRole('button', { name: 'Log', exact: true }).click();
    const finished = dialog(page, 'Log').getByRole('row').filter({ hasText: 'Finished' });
    await expect(finished, when).toHaveCount(1);
    await expect(finished.getByRole('cell').nth(2), when).toHaveText(name);
    await expect(finished.getByRole('cell').nth(3), when).toHaveText(`${name} finished downloading`);
    await page.keyboard.press('Escape');
  }
});

test('all-time statistics survive a restart of shoal serve on the same state folder; this session starts again at zero', async ({ page }) => {
  await openPage(page, serve);
  await page.getByRole('button', { name: 'Statistics' }).click();
  const downloaded = dialog(page, 'Statistics').getByRole('row', { name: /^Downloaded/ }).getByRole('cell');
  await expect(downloaded.nth(1)).toHaveText('3.00 MiB');
  allTimeDownloaded = (await downloaded.nth(1).textContent()) ?? '';
  await expect(downloaded.nth(0)).toHaveText(allTimeDownloaded);

  await serve.restart();
  await openPage(page, serve);
  await page.getByRole('button', { name: 'Statistics' }).click();
  const after = dialog(page, 'Statistics').getByRole('row', { name: /^Downloaded/ }).getByRole('cell');
  await expect(after.nth(1)).toHaveText(allTimeDownloaded);
  await expect(after.nth(0)).toHaveText('0 B');
  await expect(dialog(page, 'Statistics').getByRole('row', { name: /^Ratio/ }).getByRole('cell').nth(0)).toHaveText('—');
});
