// Test support: TypeScript bundled into one ES module that plain `node` or a Worker can run
// (tests that need a separate process, a mount namespace or a heap limit of their own).
import { build } from 'esbuild';

/** Bundles `entry` (a file, or source text importing by absolute path) into `outfile`. */
export async function bundleForNode(entry: string | { readonly contents: string; readonly resolveDir: string }, outfile: string): Promise<void> {
  await build({
    ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'ts' } }),
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
  });
}
