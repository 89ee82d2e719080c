import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { channels } from '../../src-shared/contract';
import type { ShoalBridge } from './bridge';

/**
 * A sandboxed preload may `require` only a few Electron-provided modules, so the bundle must
 * carry everything else itself. Bundled the way build.mjs does, then run in a bare context.
 */
async function bundlePreload(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./preload.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents;
}

describe('preload bundle', { timeout: 30_000 }, () => {
  it('carries names and channels, not the schemas: under 60 KB', async () => {
    // Every window parses the preload before the page loads; the contract's schemas (zod,
    // msgpack) made it ~830 KB.
    const bytes = await bundlePreload();
    expect(bytes.byteLength).toBeLessThan(60 * 1024);
  });

  it('runs with nothing but electron to require, and exposes window.shoal', async () => {
    const code = new TextDecoder().decode(await bundlePreload());

    const required: string[] = [];
    const exposed = new Map<string, unknown>();
    const invoked: string[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
      ipcRenderer: {
        invoke: (channel: string) => {
          invoked.push(channel);
          return Promise.resolve({ ok: true, output: {} });
        },
        on: () => {},
        removeListener: () => {},
      },
    };
    const sandboxRequire = (name: string): unknown => {
      required.push(name);
      if (name === 'electron') return electron;
      throw new Error(`module not found: ${name}`);
    };
    const module = { exports: {} };
    // Web globals a renderer has; no Node ones beyond what a sandboxed preload is given.
    const web = { TextEncoder, TextDecoder, URL, URLSearchParams, setTimeout, clearTimeout, queueMicrotask, console };
    runInNewContext(code, { ...web, require: sandboxRequire, module, exports: module.exports });

    expect(required).toEqual(['electron']);
    const bridge = exposed.get('shoal') as ShoalBridge;
    await expect(bridge.invoke('pause', { infoHashes: [] })).resolves.toEqual({});
    expect(invoked).toEqual([channels.command('pause')]);
  });
});
