import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src-shared/contract/limits';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
let dir: string;

// The same banner build.mjs puts on ESM bundles that pull in CommonJS code.
const esmBanner =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoal-bundle-'));
  await build({
    entryPoints: [here('./main.ts')],
    outfile: join(dir, 'app.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['electron'],
    banner: { js: esmBanner },
    logLevel: 'silent',
  });
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  await mkdir(join(dir, 'node_modules', 'electron'), { recursive: true });
  await writeFile(join(dir, 'node_modules', 'electron', 'package.json'), '{ "type": "module", "main": "index.js" }\n');
  await copyFile(here('./testing/bundle-smoke/electron.mjs'), join(dir, 'node_modules', 'electron', 'index.js'));
  await copyFile(here('./testing/bundle-smoke/driver.mjs'), join(dir, 'driver.mjs'));
  await copyFile(here('../host/testing/tiny-engine-worker.mjs'), join(dir, 'engine-worker.js'));
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The bundled main process, loaded as Electron would load dist/app.js (with a recording
 * `electron`), finds its preload, page and engine worker beside itself and relays a command to
 * a real worker thread.
 */
describe('app bundle', () => {
  it('starts, relays commands to the engine worker, and stops it on quit', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['driver.mjs'], {
      cwd: dir,
      env: { ...process.env, SMOKE_DIR: dir, SMOKE_PROTOCOL_VERSION: String(PROTOCOL_VERSION) },
      timeout: 20_000,
      killSignal: 'SIGKILL',
    });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(report).toMatchObject({
      webPreferences: {
        preload: join(dir, 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
      },
      loadedFile: join(dir, 'renderer', 'index.html'),
      sandbox: true,
      csp: expect.stringContaining("default-src 'self'"),
      hello: { ok: true, output: { protocolVersion: PROTOCOL_VERSION } },
      resume: { ok: true, output: {} },
      quitCalls: 1,
    });
  }, 30_000);
});
