// One build for every bundle: the Node-side bundles with esbuild, the renderer with Vite.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rm, chmod } from 'node:fs/promises';

const root = new URL('../../', import.meta.url);
const out = (p) => new URL(`dist/${p}`, root).pathname;
const src = (p) => new URL(p, root).pathname;

// ESM bundles that pull in CommonJS dependencies (ws) need `require` to exist.
const esmBanner = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const nodeBundles = [
  // Split at the CLI's per-command dynamic imports: `shoal tracker` or `shoal info` loads only
  // its own code (cli-*.js chunks beside it), not the engine and the web server.
  { entry: 'src-main/cli.ts', outfile: 'cli.js', format: 'esm', shebang: true, split: true },
  { entry: 'src-main/host/worker-entry.ts', outfile: 'engine-worker.js', format: 'esm' },
  { entry: 'src-main/app/main.ts', outfile: 'app.js', format: 'esm' },
  // Sandboxed preloads must be CommonJS.
  { entry: 'src-main/app/preload.ts', outfile: 'preload.cjs', format: 'cjs' },
];

await rm(out(''), { recursive: true, force: true });

await Promise.all(
  nodeBundles.map(({ entry, outfile, format, shebang, split }) =>
    esbuild({
      entryPoints: { [outfile.replace(/\.\w+$/, '')]: src(entry) },
      outdir: out(''),
      outExtension: { '.js': outfile.slice(outfile.lastIndexOf('.')) },
      ...(split ? { splitting: true, chunkNames: 'cli-[hash]' } : {}),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format,
      sourcemap: true,
      external: ['electron'],
      banner: { js: `${shebang ? '#!/usr/bin/env node\n' : ''}${format === 'esm' ? esmBanner : ''}` },
      logLevel: 'warning',
    }),
  ),
);
await chmod(out('cli.js'), 0o755);

await viteBuild({ configFile: src('vite.config.ts'), logLevel: 'warn' });
console.log('build: dist/ ready');
