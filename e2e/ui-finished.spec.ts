// Issue #17 through `shoal serve` in Chromium, as a user acts and reads: one serve, one aria2c seeder
// and one tracker shared by the tests, which run in order. Every main view is checked by axe-core
// and photographed at 800, 1280 and 1920 px, light and dark (e2e/views.ts).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTorrent } from '../src-main/engine/metainfo/parse-torrent';
import { freePort, startProcess, stopAll, tempDir } from '../src-main/testing/processes';
import { cell, chooseTorrent, cli, fixtures, openPage, row, run, startServe, toolbar, waitForHttp, type Serve } from './support';
import { checkView } from './views';

test.describe.configure({ mode: 'serial' });

let work: { path: string; remove(): Promise<void> };
let downloads: string;
let serve: Serve;
/** A seeded torrent that is never added: its magnet link's dialog shows its files. */
let poemMagnet: string;
const torrentFile = (name: string) => join(work.path, `${name}.torrent`);

test.beforeAll(async () => {
  work = await tempDir('e2e-ui17');
  const data = join(work.path, 'data');
  downloads = join(work.path, 'downloads');
  await mkdir(join(data, 'album'), { recursive: true });
  await mkdir(downloads);
  await cp(join(fixtures, 'alice.txt'), join(data, 'alice.txt'));
  await cp(join(fixtures, 'folder'), join(data, 'folder'), { recursive: true });
  // Three files of six 16 KiB pieces each: one of them can be skipped without sharing a piece.
  for (const name of ['a.bin', 'b.bin', 'c.bin']) await writeFile(join(data, 'album', name), randomBytes(6 * 16384));
  await writeFile(join(data, 'poem.txt'), randomBytes(40_000));

  const trackerPort = await freePort();
  startProcess(process.execPath, [cli, 'tracker', '--http', `127.0.0.1:${trackerPort}`, '--udp', 'off', '--interval', '60']);
  await waitForHttp(`http://127.0.0.1:${trackerPort}/`, 10_000);
  const announce = `http://127.0.0.1:${trackerPort}/announce`;
  // Nothing listens there: this torrent's tracker never answers, and nobody seeds it.
  const deadTracker = `http://127.0.0.1:${await freePort()}/announce`;
  await run(['create', join(data, 'alice.txt'), '-o', torrentFile('alice'), '--tracker', announce]);
  await run(['create', join(data, 'album'), '-o', torrentFile('album'), '--tracker', announce, '--piece-length', '16K']);
  await run(['create', join(data, 'folder'), '-o', torrentFile('lonely'), '--tracker', deadTracker]);
  await run(['create', join(data, 'poem.txt'), '-o', torrentFile('poem'), '--tracker', announce]);
  poemMagnet = `magnet:?xt=urn:btih:${parseTorrent(await readFile(torrentFile('poem'))).infoHashHex}&dn=poem.txt&tr=${encodeURIComponent(announce)}`;

  const seedPort = await freePort();
  startProcess('aria2c', [
    '--interface=127.0.0.1', '--disable-ipv6=true', '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false',
    '--enable-peer-exchange=false', `--listen-port=${seedPort}`, `--dir=${data}`, '-V', '--seed-ratio=0.0',
    '--max-overall-upload-limit=256K', '--bt-tracker-interval=1', '--console-log-level=warn', '--summary-interval=0', `--dht-file-path=${join(work.path, 'dht.dat')}`,
    torrentFile('alice'), torrentFile('album'), torrentFile('poem'),
  ]);
  serve = await startServe({ downloadDir: downloads, stateDir: join(work.path, 'state') });
});

test.afterAll(async () => {
  await stopAll();
  await work?.remove();
});

const open = (page: Page) => openPage(page, serve);

test('the empty list passes axe in both themes and fits 800 px', async ({ page }) => {
  await open(page);
  await expect(page.getByText('No torrents yet')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await checkView(page, 'empty-list');
});

test('1, 2, 3: a write error says what happened and what to do in the row, General and a notice; once fixed and resumed the torrent finishes, at 100% of its wanted files', async ({ page }) => {
  await open(page);
  const dialog = await chooseTorrent(page, torrentFile('album'));
  await dialog.getByRole('checkbox', { name: /b\.bin/ }).uncheck();
  await dialog.getByRole('checkbox', { name: 'Start paused' }).check();
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  const album = row(page, 'album');
  await expect(album).toContainText('Paused');
  // A file stands where the torrent's folder goes.
  await writeFile(join(downloads, 'album'), 'in the way');
  await album.click();
  await toolbar(page).getByRole('button', { name: 'Resume', exact: true }).click();
  const sentence = /album is a file, not a folder\. Rename or move that file, then try again\.|a folder in its path is a file\. Rename or move that file/;
  await expect(cell(album, 4)).toHaveText('Error', { timeout: 20_000 });
  await expect(album).toContainText(sentence);
  await expect(page.getByRole('alert').filter({ hasText: sentence }).first()).toBeVisible();
  await page.getByRole('tab', { name: 'General' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('Stopped by an error');
  await expect(page.getByRole('tabpanel')).toContainText(sentence);

  // The user moves the file away and resumes: the download finishes (the failed write is asked for again).
  await rm(join(downloads, 'album'));
  await toolbar(page).getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(cell(album, 4)).toHaveText('Seeding', { timeout: 60_000 });
  await expect(page.getByRole('progressbar', { name: 'Progress of album' })).toHaveAttribute('aria-valuenow', '100');
  await expect(cell(album, 3)).toHaveText('100%');
  // Two of three 96 KiB files wanted: the Size column says what will be on disk.
  await expect(cell(album, 2)).toHaveText('192 KiB');
  await expect(page.getByRole('tabpanel')).toContainText('288 KiB (18 × 16.0 KiB), 192 KiB wanted');
  await expect(page.getByRole('tabpanel')).not.toContainText('∞');
});

test('a tracker that never answers is named in the row and General, in a sentence', async ({ page }) => {
  await open(page);
  const dialog = await chooseTorrent(page, torrentFile('lonely'));
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  const lonely = row(page, 'folder');
  await expect(lonely).toContainText('The tracker cannot be reached (ECONNREFUSED): nothing answers at its address', { timeout: 30_000 });
  await lonely.click();
  await page.getByRole('tab', { name: 'General' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('No tracker answers');
});

test('5: when Add is refused, focus stays in the dialog, Escape closes it, and no second dialog opens over it', async ({ page }) => {
  await open(page);
  const first = await chooseTorrent(page, torrentFile('alice'));
  await first.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(cell(row(page, 'alice.txt'), 4)).toHaveText('Seeding', { timeout: 60_000 });

  // The same torrent again: refused at once, its Add button off.
  const again = await chooseTorrent(page, torrentFile('alice'));
  await expect(again.getByRole('alert')).toContainText('already in the list');
  await expect(again.getByRole('button', { name: 'Add', exact: true })).toBeDisabled();
  // Focus falls out of the dialog (as when the focused button turns off under it): Tab brings it back.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    expect(await again.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press('Control+u');
  await page.keyboard.press('Control+,');
  await expect(page.getByRole('dialog')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add torrent' })).toBeFocused();
});

test('4: focus is visible on the blue button and on the detail panel', async ({ page }) => {
  await open(page);
  await page.keyboard.press('Tab');
  const add = page.getByRole('button', { name: 'Add torrent' });
  await expect(add).toBeFocused();
  const ring = (l: Locator) =>
    l.evaluate((el) => {
      const s = getComputedStyle(el);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor, background: s.backgroundColor };
    });
  const onAdd = await ring(add);
  expect(onAdd.style).not.toBe('none');
  expect(onAdd.width).toBeGreaterThanOrEqual(2);
  expect(onAdd.color).not.toBe(onAdd.background);
  await row(page, 'alice.txt').click();
  const panel = page.getByRole('tabpanel');
  await page.getByRole('tab', { name: 'General' }).focus();
  await page.keyboard.press('Tab');
  await expect(panel).toBeFocused();
  expect((await ring(panel)).style).not.toBe('none');
});

test('7: every main view passes axe in light and dark and fits 800 px without sideways scroll', async ({ page }) => {
  // Fourteen views, each in two themes at three widths (about 3 min alone): room for a loaded machine.
  test.setTimeout(480_000);
  await open(page);
  await checkView(page, 'list');
  await row(page, 'alice.txt').click();
  for (const tab of ['General', 'Pieces', 'Peers', 'Files', 'Trackers', 'Speed']) {
    await page.getByRole('tab', { name: tab }).click();
    await expect(page.getByRole('tabpanel').getByText('Loading…')).toHaveCount(0);
    await checkView(page, `tab-${tab.toLowerCase()}`);
  }
  await chooseTorrent(page, torrentFile('lonely'));
  await checkView(page, 'add-dialog');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Add magnet' }).click();
  await expect(page.getByRole('dialog', { name: /magnet/i })).toBeVisible();
  await checkView(page, 'magnet-dialog');
  // A magnet nobody seeds: its metadata is awaited, and the dialog says so.
  await page.getByRole('textbox', { name: 'Magnet link' }).fill(`magnet:?xt=urn:btih:${randomBytes(20).toString('hex')}&dn=nobody`);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('dialog', { name: 'Add torrent' }).getByRole('status')).toContainText('Fetching the list of files from peers…');
  await checkView(page, 'magnet-fetching');
  await page.keyboard.press('Escape');
  // A seeded one: its files, once its metadata arrived.
  await page.getByRole('button', { name: 'Add magnet' }).click();
  await page.getByRole('textbox', { name: 'Magnet link' }).fill(poemMagnet);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('dialog', { name: 'Add torrent' }).getByRole('checkbox', { name: /^poem\.txt/ })).toBeVisible({ timeout: 30_000 });
  await checkView(page, 'magnet-files');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await checkView(page, 'settings');
  await page.keyboard.press('Escape');
  // Issue #18's views: Statistics with its graph, and the Log with what the earlier tests caused.
  await page.getByRole('button', { name: 'Statistics' }).click();
  await expect(page.getByRole('dialog', { name: 'Statistics' }).getByRole('row', { name: /^Downloaded/ })).toBeVisible();
  await checkView(page, 'statistics');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Log', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Log' }).getByRole('row').filter({ hasText: 'Finished' }).first()).toBeVisible();
  await checkView(page, 'log');
  await page.keyboard.press('Escape');
  await toolbar(page).getByRole('button', { name: 'Create torrent…' }).click();
  await expect(page.getByRole('dialog', { name: 'Create torrent' })).toBeVisible();
  await checkView(page, 'create-dialog');
  await page.keyboard.press('Escape');
  // The rename dialogs: the torrent's (from the list's menu) and a file's (from the Files tab).
  await row(page, 'alice.txt').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Rename…' }).click();
  await expect(page.getByRole('dialog', { name: 'Rename torrent' })).toBeVisible();
  await checkView(page, 'rename-torrent');
  await page.keyboard.press('Escape');
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.getByRole('tree', { name: 'Files' }).getByRole('button', { name: 'Rename alice.txt' }).click();
  await expect(page.getByRole('dialog', { name: 'Rename file' })).toBeVisible();
  await checkView(page, 'rename-file');
  await page.keyboard.press('Escape');
});

test('8: at 800 px the toolbar folds into More; columns are hidden, dragged, resized; the panel resized; all of it, with sort, filter and tab, survives a reload', async ({ page }) => {
  await open(page);
  await page.setViewportSize({ width: 800, height: 700 });
  await expect(toolbar(page).getByRole('button', { name: 'Move data…' })).toBeHidden();
  await toolbar(page).getByRole('button', { name: 'More' }).click();
  await expect(page.getByRole('menu', { name: 'More actions' }).getByRole('menuitem', { name: 'Move data…' })).toBeVisible();
  await page.getByRole('menuitem', { name: 'Columns…' }).click();
  const chooser = page.getByRole('dialog', { name: 'Columns' });
  await chooser.getByRole('checkbox', { name: 'ETA' }).uncheck();
  await chooser.getByRole('button', { name: 'Done' }).click();

  const header = (name: string) => page.getByRole('columnheader', { name, exact: true });
  await header('Size').dragTo(header('Name'));
  const names = () => page.getByRole('columnheader').evaluateAll((hs) => hs.map((h) => h.getAttribute('aria-label')));
  expect(await names()).toEqual(['# Queue position', 'Size', 'Name', 'Progress', 'State', 'Down', 'Up', 'Seeds', 'Peers', 'Ratio']);

  const sizeWidth = async () => (await header('Size').boundingBox())!.width;
  const before = await sizeWidth();
  const handle = (await page.getByRole('separator', { name: 'Resize Size' }).boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2 + 60, handle.y + handle.height / 2, { steps: 5 });
  await page.mouse.up();
  expect(Math.round((await sizeWidth()) - before)).toBe(60);

  const detail = page.getByRole('region', { name: 'Torrent details' });
  const detailBefore = (await detail.boundingBox())!.height;
  const split = (await page.getByRole('separator', { name: 'Resize the details panel' }).boundingBox())!;
  await page.mouse.move(split.x + 200, split.y + split.height / 2);
  await page.mouse.down();
  await page.mouse.move(split.x + 200, split.y + split.height / 2 - 80, { steps: 5 });
  await page.mouse.up();
  const detailAfter = (await detail.boundingBox())!.height;
  expect(Math.round(detailAfter - detailBefore)).toBe(80);

  await header('Size').getByRole('button').click();
  await page.getByRole('group', { name: 'Filter by state' }).getByRole('button', { name: /Seeding/ }).click();
  await row(page, 'alice.txt').click();
  await page.getByRole('tab', { name: 'Trackers' }).click();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);

  await page.reload();
  await expect(toolbar(page)).toBeVisible();
  expect(await names()).toEqual(['# Queue position', 'Size', 'Name', 'Progress', 'State', 'Down', 'Up', 'Seeds', 'Peers', 'Ratio']);
  expect(Math.round(await sizeWidth())).toBe(Math.round(before + 60));
  await expect(header('Size')).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByRole('group', { name: 'Filter by state' }).getByRole('button', { name: /Seeding/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('tab', { name: 'Trackers' })).toHaveAttribute('aria-selected', 'true');
  expect(Math.round((await detail.boundingBox())!.height)).toBe(Math.round(detailAfter));
  await checkView(page, 'list-customised');
});

test('9: Settings check the download folder before saving and say what is wrong in a sentence', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  const folder = settings.getByRole('textbox', { name: 'Download folder' });
  await folder.fill(join(downloads, 'alice.txt', 'more'));
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toContainText(`${join(downloads, 'alice.txt', 'more')} cannot be created: ${join(downloads, 'alice.txt')} is a file, not a folder. Choose another folder.`);
  await folder.fill('Downloads');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toContainText('Download folder must be a full path, such as /home/me/Downloads.');
  await expect(settings).toBeVisible();
  await page.keyboard.press('Escape');
});

test('10: the add dialog shows the files with boxes, the free space at the destination, and a duplicate at once', async ({ page }) => {
  await open(page);
  const dialog = await chooseTorrent(page, torrentFile('album'));
  await expect(dialog.getByRole('alert')).toHaveText('"album" is already in the list. Cancel, or choose another torrent.');
  await expect(dialog.getByRole('button', { name: 'Add', exact: true })).toBeDisabled();
  await expect(dialog).toContainText(/\d+(\.\d+)? [KMGT]iB free there/);
  await dialog.getByRole('checkbox', { name: /^a\.bin/ }).uncheck();
  await expect(dialog).toContainText('192 KiB of 288 KiB');
  await dialog.getByRole('textbox', { name: 'Destination folder' }).fill('relative/folder');
  await expect(dialog).toContainText('"relative/folder" is not a full path.');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('states: a download with nothing coming in says Stalled; a seed paused by its share limit says Limit reached', async ({ page }) => {
  await open(page);
  await page.getByRole('group', { name: 'Filter by state' }).getByRole('button', { name: /All/ }).click();
  // Nobody seeds "folder" (its tracker is dead): nothing comes in, and after 30 s it says so.
  await expect(cell(row(page, 'folder'), 4)).toHaveText('Stalled', { timeout: 45_000 });
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('textbox', { name: 'Ratio limit' }).first().fill('0');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toHaveCount(0);
  await expect(cell(row(page, 'alice.txt'), 4)).toHaveText('Limit reached', { timeout: 15_000 });
});

test('6: while the engine is away a banner says so, actions are off, and all comes back with it', async ({ page }) => {
  await open(page);
  await row(page, 'alice.txt').click();
  await serve.stop();
  await expect(page.getByRole('alert').filter({ hasText: 'The connection to Shoal was lost.' })).toBeVisible({ timeout: 15_000 });
  await expect(toolbar(page).getByRole('button', { name: 'Resume', exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Add torrent' })).toBeDisabled();
  await serve.start();
  await expect(page.getByRole('alert').filter({ hasText: 'The connection to Shoal was lost.' })).toHaveCount(0, { timeout: 20_000 });
  await expect(toolbar(page).getByRole('button', { name: 'Resume', exact: true })).toBeEnabled();
});
