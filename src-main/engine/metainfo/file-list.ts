import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Stats } from 'node:fs';
import { ShoalError } from '../../../src-shared/errors';
import { fileError } from '../fs/file-errors';

export interface SourceFile {
  /** Components relative to the torrent's folder (for a single file: just its name). */
  readonly path: readonly string[];
  readonly absolute: string;
  readonly length: number;
}

export interface SourceList {
  /** The torrent's name: the base name of what was given. */
  readonly name: string;
  readonly multiFile: boolean;
  readonly files: readonly SourceFile[];
}

/**
 * Lists what a torrent of `path` holds, in the order mktorrent uses so info-hashes agree: every
 * regular file (hidden and empty ones too, symlinks followed), sorted by the bytes of its
 * `/`-joined relative path. Transmission 3 (Debian's) instead uses directory order and skips
 * hidden and empty files, which no one can reproduce; Transmission 4 sorts as mktorrent does.
 */
export async function listSourceFiles(path: string): Promise<SourceList> {
  const root = resolve(path);
  const rootStats = await statOrFail(root, path);
  const name = basename(root);
  if (rootStats.isFile()) {
    return { name, multiFile: false, files: [{ path: [name], absolute: root, length: rootStats.size }] };
  }
  if (!rootStats.isDirectory()) throw new ShoalError('invalid-input', `'${path}' is neither a file nor a folder.`);

  const files: SourceFile[] = [];
  await walk(root, [], new Set([inode(rootStats)]), files);
  const keyed = files.map((file) => ({ file, key: Buffer.from(file.path.join('/')) }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return { name, multiFile: true, files: keyed.map((k) => k.file) };
}

// `ancestors` holds the folders on the current descent, so a symlink loop is not followed forever.
async function walk(dir: string, prefix: string[], ancestors: Set<string>, out: SourceFile[]): Promise<void> {
  const entries = await readdir(dir).catch((err: unknown) => {
    throw fileError(err, 'reading', dir);
  });
  for (const entry of entries) {
    const absolute = join(dir, entry);
    const stats = await stat(absolute).catch((err: unknown) => {
      // A dangling symlink or a file deleted meanwhile has nothing to share.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fileError(err, 'reading', absolute);
    });
    if (!stats) continue;
    const path = [...prefix, entry];
    if (stats.isFile()) {
      out.push({ path, absolute, length: stats.size });
    } else if (stats.isDirectory() && !ancestors.has(inode(stats))) {
      const key = inode(stats);
      ancestors.add(key);
      await walk(absolute, path, ancestors, out);
      ancestors.delete(key);
    }
  }
}

function inode(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

async function statOrFail(absolute: string, shown: string): Promise<Stats> {
  try {
    return await stat(absolute);
  } catch (err) {
    throw fileError(err, 'reading', shown);
  }
}
