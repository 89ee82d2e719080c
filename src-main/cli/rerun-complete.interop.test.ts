// `shoal download --state-dir S` of a torrent S already holds as complete: after a clean finish,
// and after kill -9 while seeding, the rerun exits 0 at once and says the data is complete.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll, tempDir, waitFor } from '../testing/processes';
import { exitOf, startShoal, writePayload } from '../testing/shoal-cli';

let work: { path: string; remove(): Promise<void> };
let torrent: string;

beforeAll(async () => {
  work = await tempDir('rerun-complete');
  await writePayload(join(work.path, 'data'), { 'payload.bin': 3 * 1024 * 1024 + 17 });
  torrent = join(work.path, 'payload.torrent');
  // A tracker nobody answers on: the runs have no peers, and need none.
  const create = startShoal(['create', join(work.path, 'data', 'payload.bin'), '-o', torrent, '--tracker', 'http://127.0.0.1:9/announce']);
  expect(await exitOf(create, 20_000)).toBe(0);
}, 30_000);

afterAll(async () => {
  await stopAll();
  await work?.remove();
});

function download(state: string, ...more: string[]) {
  return startShoal(['download', torrent, '-o', join(work.path, 'data'), '--state-dir', state, ...more]);
}

/** The rerun: exits 0 within 10 s, its summary says complete and never `unknown`. */
async function expectCompleteRerun(state: string): Promise<void> {
  const started = Date.now();
  const rerun = download(state);
  expect(await exitOf(rerun, 15_000)).toBe(0);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(rerun.output()).toMatch(/payload.bin: the data in .* is complete; nothing to download/);
  expect(rerun.output()).not.toMatch(/unknown/);
}

describe('shoal download of a torrent its state folder holds as complete', () => {
  it('exits 0 at once after a clean finish', async () => {
    const state = join(work.path, 'state-clean');
    const first = download(state);
    expect(await exitOf(first, 20_000)).toBe(0);
    await expectCompleteRerun(state);
  }, 60_000);

  it('exits 0 at once after kill -9 while seeding', async () => {
    const state = join(work.path, 'state-killed');
    const first = download(state, '--seed-time', '60', '--json');
    await waitFor('the first run to seed', () => (/"state":"seeding"/.test(first.output()) ? true : undefined), 20_000);
    // The session is saved every few seconds and at changes; give the save after seeding began a moment.
    await new Promise((r) => setTimeout(r, 3000));
    first.child.kill('SIGKILL');
    await first.exited;
    await expectCompleteRerun(state);
  }, 60_000);
});
