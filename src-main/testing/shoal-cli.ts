// Test support: the built CLI (dist/cli.js) as a real process, the way users and benchmarks run it.
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, type RunningProcess } from './processes';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Runs `shoal …` from the build; `npm test` builds before it runs the tests. */
export function startShoal(args: readonly string[]): RunningProcess {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run 'npm run build' first`);
  return startProcess(process.execPath, [cliPath, ...args]);
}

/** Waits for a started CLI to exit within `timeoutMs`, else stops it and fails with its output. */
export async function exitOf(proc: RunningProcess, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const result = await Promise.race([proc.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    await proc.stop();
    throw new Error(`shoal did not finish within ${timeoutMs} ms; it printed:\n${proc.output().slice(-4000)}`);
  }
  return result;
}

/** A folder of random files: `sizes` maps relative paths to byte counts. */
export async function writePayload(root: string, sizes: Readonly<Record<string, number>>): Promise<void> {
  for (const [path, size] of Object.entries(sizes)) {
    const file = join(root, path);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, randomBytes(size));
  }
}

/** Every file under `dir`, relative path → bytes. */
async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else out.set(relative(dir, p), await readFile(p));
    }
  };
  if ((await stat(dir).catch(() => null))?.isDirectory()) await walk(dir);
  else out.set('', await readFile(dir));
  return out;
}

/** Resolves to a list of differences between two files or folders (empty when identical). */
export async function compareTrees(expected: string, actual: string): Promise<string[]> {
  const a = await readTree(expected);
  const b = await readTree(actual).catch(() => new Map<string, Buffer>());
  const problems: string[] = [];
  for (const [path, data] of a) {
    const other = b.get(path);
    if (!other) problems.push(`${path || actual} is missing`);
    else if (!data.equals(other)) problems.push(`${path || actual} differs`);
  }
  return problems;
}
