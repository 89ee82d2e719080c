import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ShoalError } from '../../../src-shared/errors';

/**
 * Writes `data` to `path` so that a crash at any moment leaves either the old file or the new
 * one, never a mix: a temp file in the same folder, fsync, rename over, fsync the folder. With
 * `syncFolder: false` the caller fsyncs the folder once after a batch of writes (until then the
 * rename may not survive a crash, but the old file does).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { syncFolder?: boolean } = {}): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'w', 0o600);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw stateError(err, `cannot save ${path}`);
  }
  if (options.syncFolder !== false) await syncFolder(dirname(path));
}

/** Makes a rename or removal in `dir` durable. */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on folders; the rename itself is still atomic there.
  } finally {
    await handle.close();
  }
}

/** The file's bytes, or null when it does not exist. Other failures are ShoalErrors. */
export async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw stateError(err, `cannot read ${path}`);
  }
}

/**
 * Moves a file that could not be understood out of the way as `<path>.bad-<time>`, so it is kept
 * for the user (or a later Shoal) and never silently lost. Returns its new path.
 */
export async function setAside(path: string, now = Date.now()): Promise<string> {
  const aside = `${path}.bad-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(path, aside);
  } catch (err) {
    throw stateError(err, `cannot set aside the unreadable ${path}`);
  }
  await syncFolder(dirname(path));
  return aside;
}

function stateError(err: unknown, what: string): ShoalError {
  const e = err as NodeJS.ErrnoException;
  const code = e.code === 'ENOSPC' ? 'disk-full' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission-denied' : 'io';
  return new ShoalError(code, `${what}: ${e.code ?? e.message}`);
}
