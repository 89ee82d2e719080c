import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../../testing/bundle';
import { makeFolder } from './make-folder';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-make-folder-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Whether this machine lets an unprivileged process mount a read-only file system in a namespace of its own. */
function canMountReadOnly(): boolean {
  try {
    execFileSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', `mount -t tmpfs -o ro none ${tmpdir()}`], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

describe('makeFolder', () => {
  it('creates missing parents', async () => {
    await makeFolder(join(dir, 'a', 'b', 'c'), 'the save folder');
    expect((await stat(join(dir, 'a', 'b', 'c'))).isDirectory()).toBe(true);
  });

  it('says a part of the path is a file', async () => {
    await writeFile(join(dir, 'file'), 'x');
    await expect(makeFolder(join(dir, 'file', 'sub', 'deeper'), 'the save folder')).rejects.toThrow(
      `cannot create the save folder ${join(dir, 'file', 'sub', 'deeper')}: part of that path is a file, not a folder; choose another folder`,
    );
  });

  // Node's recursive mkdir says "ENOENT … mkdir" here; the sentence must say read-only and what to do.
  it.runIf(process.platform === 'linux' && canMountReadOnly())('says the folder is under a read-only mount, not ENOENT', async () => {
    const script = join(dir, 'make-folder.mjs');
    await bundleForNode(
      {
        contents: `import { makeFolder } from ${JSON.stringify(new URL('./make-folder.ts', import.meta.url).pathname)};
          makeFolder(process.argv[2], 'the save folder').then(() => console.log('made'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })));`,
        resolveDir: dir,
      },
      script,
    );
    const mount = join(dir, 'read-only');
    execFileSync('mkdir', [mount]);
    const target = join(mount, 'downloads', 'films');
    const output = execFileSync(
      'unshare',
      ['--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o ro none "$1" && exec "$2" "$3" "$4"', 'sh', mount, process.execPath, script, target],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(JSON.parse(output)).toEqual({
      code: 'permission-denied',
      message: `cannot create the save folder ${target}: ${mount} is on a read-only disk; choose a folder on a disk that can be written to`,
    });
  }, 30_000);
});
