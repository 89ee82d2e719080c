// npm run bench:scale — bundles scale.bench.ts (TypeScript, driving dist/engine-worker.js) and runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'shoal-scale-bench-'));
const outfile = join(dir, 'scale-bench.mjs');
await build({ entryPoints: [join(here, 'scale.bench.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', logLevel: 'warning' });
const r = spawnSync(process.execPath, [outfile], { stdio: 'inherit', cwd: root, env: { SHOAL_DIST: join(root, 'dist'), ...process.env }, timeout: 3_600_000 });
rmSync(dir, { recursive: true, force: true });
process.exit(r.status ?? 1);
