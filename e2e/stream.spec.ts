// Streaming in the real UI: Debian's Chromium plays a torrent's video through `shoal serve` while
// it downloads from an aria2c seeder throttled so the whole file takes over 30 s.
import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startProcess, stopAll, tempDir } from '../src-main/testing/processes';
import { cli, repo, run, startAria2Seeder, startServe, token, waitForHttp } from './support';

const shots = join(repo, 'test-results', 'screenshots');

let work: { path: string; remove(): Promise<void> };
let serveUrl: string;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  work = await tempDir('e2e-stream');
  const data = join(work.path, 'data');
  await mkdir(data);
  // 60 s of VP9 and Opus, about 1.8 MB; a keyframe every second and the cues first, so a seek finds its place at once.
  await promisify(execFile)('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=60',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=60',
    '-c:v', 'libvpx-vp9', '-b:v', '150k', '-deadline', 'realtime', '-cpu-used', '8', '-g', '30',
    '-c:a', 'libopus', '-b:a', '32k', '-cues_to_front', '1', '-f', 'webm', join(data, 'clip.webm'),
  ]);

  const trackerPort = await freePort();
  startProcess(process.execPath, [cli, 'tracker', '--http', `127.0.0.1:${trackerPort}`, '--udp', 'off', '--interval', '60']);
  const announce = `http://127.0.0.1:${trackerPort}/announce`;
  await waitForHttp(`http://127.0.0.1:${trackerPort}/`, 10_000);
  await run(['create', join(data, 'clip.webm'), '-o', join(work.path, 'clip.torrent'), '--tracker', announce]);

  // 1.8 MB at 56 KiB/s: about 31 s for the whole file, against 60 s of media.
  await startAria2Seeder(data, [join(work.path, 'clip.torrent')], '56K', work.path);
  serveUrl = (await startServe({ downloadDir: join(work.path, 'downloads'), stateDir: join(work.path, 'state') })).url;
  await mkdir(shots, { recursive: true });
});

test.afterAll(async () => {
  await stopAll();
  await work?.remove();
});

interface Playback {
  currentTime: number;
  duration: number;
  paused: boolean;
}

test('plays a video while it downloads, and a seek to 75% plays at once', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${serveUrl}/?token=${token}`);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Add torrent' }).click();
  await (await chooser).setFiles(join(work.path, 'clip.torrent'));
  const dialog = page.getByRole('dialog', { name: 'Add torrent' });
  await expect(dialog).toContainText('clip.webm');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();

  const progress = page.getByRole('progressbar', { name: 'Progress of clip.webm' }).first();
  const percent = async (): Promise<number> => Number(await progress.getAttribute('aria-valuenow'));
  await expect(progress).toBeVisible();
  // Play at once, as the torrent starts: the seeder is yet to be found.
  const pressed = Date.now();
  await page.getByRole('button', { name: 'Play clip.webm' }).first().click();
  const player = page.getByRole('dialog', { name: 'clip.webm' });
  const video = player.locator('video');
  await expect(video).toBeVisible();
  const playback = (): Promise<Playback> => video.evaluate((v: HTMLVideoElement) => ({ currentTime: v.currentTime, duration: v.duration, paused: v.paused }));

  await expect.poll(async () => (await playback()).currentTime, { timeout: 5_000, intervals: [100] }).toBeGreaterThan(0);
  const started = Date.now() - pressed;
  await expect.poll(async () => (await playback()).currentTime, { timeout: 15_000 - started, intervals: [200] }).toBeGreaterThan(8);
  expect(await percent()).toBeLessThan(100);
  await page.screenshot({ path: join(shots, 'player.png') });

  const { duration } = await playback();
  expect(duration).toBeGreaterThan(55);
  const target = duration * 0.75;
  await video.evaluate((v: HTMLVideoElement, at: number) => {
    v.currentTime = at;
  }, target);
  // Playing from the new place: time moves on past it.
  await expect.poll(async () => {
    const now = await playback();
    return !now.paused && now.currentTime > target + 0.5;
  }, { timeout: 5_000, intervals: [100] }).toBe(true);
  expect(await percent()).toBeLessThan(100);
  await expect(player.getByRole('img', { name: /^Buffered: / })).toBeVisible();
});
