// npm run bench:dht — bundles dht.bench.ts (TypeScript, importing the libtorrent test driver) and runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'shoal-dht-bench-'));
const outfile = join(dir, 'dht-bench.mjs');
await build({
  entryPoints: [join(here, 'dht.bench.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning',
  // The libtorrent driver finds its Python script beside its own source, not beside the bundle.
  define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(here, '..', '..', 'testing', 'libtorrent.ts')).href) },
});
const r = spawnSync(process.execPath, [outfile], { stdio: 'inherit', timeout: 300_000 });
rmSync(dir, { recursive: true, force: true });
process.exit(r.status ?? 1);
