// What the e2e specs share: the built CLI, running it, and finding a torrent's row.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Locator, type Page } from '@playwright/test';
import { freePort, startProcess, waitFor, type RunningProcess } from '../src-main/testing/processes';

export const repo = fileURLToPath(new URL('..', import.meta.url));
export const cli = join(repo, 'dist', 'cli.js');
export const fixtures = join(repo, '..', 'shared', 'fixtures', 'content');
export const token = 'e2e-secret-token-0123456789';

/** Runs `shoal <args>` to the end; rejects with its stderr on failure. */
export function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`shoal ${args[0]} failed: ${err}`))));
  });
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  await waitFor(`${url} to answer`, () => fetch(url).then(() => true, () => undefined), timeoutMs);
}

/** aria2c seeding `torrents` from `dataDir` on 127.0.0.1, its upload capped at `uploadLimit` (aria2's spelling: 24K), announcing every second. */
export async function startAria2Seeder(dataDir: string, torrents: string[], uploadLimit: string, scratch: string): Promise<RunningProcess> {
  const seedPort = await freePort();
  return startProcess('aria2c', [
    '--interface=127.0.0.1', '--disable-ipv6=true', '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false',
    '--enable-peer-exchange=false', `--listen-port=${seedPort}`, `--dir=${dataDir}`, '-V', '--seed-ratio=0.0',
    `--max-overall-upload-limit=${uploadLimit}`, '--bt-tracker-interval=1', '--console-log-level=warn', '--summary-interval=0', `--dht-file-path=${join(scratch, 'dht.dat')}`,
    ...torrents,
  ]);
}

/** Opens the web UI of `serve` at 1280 × 800, logged in, once its toolbar is there. */
export async function openPage(page: Page, serve: Serve): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${serve.url}/?token=${token}`);
  await expect(toolbar(page)).toBeVisible();
}

export const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Torrent actions' });
export const cell = (r: Locator, column: number) => r.getByRole('gridcell').nth(column);

/** Picks a .torrent with the "Add torrent" button; the add dialog opens with its preview. */
export async function chooseTorrent(page: Page, file: string): Promise<Locator> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Add torrent' }).click();
  await (await chooser).setFiles(file);
  const dialog = page.getByRole('dialog', { name: 'Add torrent' });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** The list row of the torrent named `name`. */
export function row(page: Page, name: string) {
  return page.getByRole('row').filter({ has: page.getByRole('progressbar', { name: `Progress of ${name}` }) });
}

/** `shoal serve` on a state folder; `restart` stops it and starts it again on the same port and folders. */
export interface Serve {
  readonly url: string;
  restart(): Promise<void>;
  /** Stops it (the page loses its engine) until `start`. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startServe(args: { downloadDir: string; stateDir: string; extra?: string[] }): Promise<Serve> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const argv = [cli, 'serve', '--port', String(port), '--token', token, '--download-dir', args.downloadDir, '--state-dir', args.stateDir, '--no-dht', '--no-lsd', ...(args.extra ?? [])];
  let proc: RunningProcess = startProcess(process.execPath, argv);
  await waitForHttp(url, 20_000);
  return {
    url,
    async restart() {
      await proc.stop();
      proc = startProcess(process.execPath, argv);
      await waitForHttp(url, 20_000);
    },
    async stop() {
      await proc.stop();
    },
    async start() {
      proc = startProcess(process.execPath, argv);
      await waitForHttp(url, 20_000);
    },
  };
}
