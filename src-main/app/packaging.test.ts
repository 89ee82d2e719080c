import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { appId } from './app-id';

const root = new URL('../../', import.meta.url);
const at = (path: string): URL => new URL(path, root);
// electron-builder's own YAML reader and schema check (CommonJS, no published types).
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util/out/DebugLogger') as { DebugLogger: new (enabled: boolean) => unknown };

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asarUnpack: string[];
  fileAssociations: { ext: string; mimeType: string }[];
  protocols: { schemes: string[] }[];
  linux: { icon: string; target: string[] };
  win: { icon: string; target: string[] };
  mac: { icon: string; target: string[] };
}

const config = yaml.load(readFileSync(at('electron-builder.yml'), 'utf8')) as BuilderConfig;

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(at(path));
  expect(bytes.subarray(1, 4).toString('latin1'), path).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('packaging', { timeout: 30_000 }, () => {
  it('is a configuration electron-builder accepts', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('names the app as the shell does and targets every platform', () => {
    expect(config.appId).toBe(appId);
    expect(config.productName).toBe('Shoal');
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toContain('nsis');
    expect(config.mac.target).toContain('dmg');
  });

  it('opens .torrent files and magnet links', () => {
    expect(config.fileAssociations).toContainEqual(
      expect.objectContaining({ ext: 'torrent', mimeType: 'application/x-bittorrent' }),
    );
    expect(config.protocols.flatMap((p) => p.schemes)).toContain('magnet');
  });

  it('ships the bundles, package.json pointing at the main bundle, and the icons read at run time', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'package.json']));
    const pkg = JSON.parse(readFileSync(at('package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/app.js');
    expect(config.asarUnpack).toContain('dist/engine-worker.js');
    for (const asset of config.files.filter((f) => f.startsWith('assets/'))) {
      expect(existsSync(at(asset)), asset).toBe(true);
    }
  });

  it('has icons of the sizes their names and platforms promise', () => {
    expect(pngSize('assets/icon.png')).toEqual({ width: 512, height: 512 });
    expect(pngSize(config.mac.icon).width).toBeGreaterThanOrEqual(512);
    expect(pngSize(config.win.icon)).toEqual({ width: 256, height: 256 });
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(`${config.linux.icon}/${size}x${size}.png`)).toEqual({ width: size, height: size });
    }
    expect(pngSize('assets/tray.png')).toEqual({ width: 16, height: 16 });
    expect(pngSize('assets/tray@2x.png')).toEqual({ width: 32, height: 32 });
  });
});
