import { constants } from 'node:fs';
import { access, stat, statfs } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { errnoCode } from '../fs/file-errors';

export interface FolderCheck {
  /** What stops the folder from taking downloads, and what to do, in one sentence; null when it can. */
  readonly problem: string | null;
  /** Bytes free on its disk (of the nearest folder that exists), null when unknown. */
  readonly freeSpace: number | null;
}

/**
 * Whether `path` can be a download folder: absolute, and either a writable folder or one that can
 * be created (its nearest existing parent is a writable folder). Nothing is created.
 */
export async function checkFolder(path: string): Promise<FolderCheck> {
  if (!isAbsolute(path)) return { problem: `"${path}" is not a full path. Give the folder's full path, starting with / (for example /home/you/Downloads).`, freeSpace: null };
  let at = path;
  let existing: Awaited<ReturnType<typeof stat>> | undefined;
  for (;;) {
    try {
      existing = await stat(at);
      break;
    } catch (err) {
      const code = errnoCode(err);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return { problem: `${at} cannot be read (${code ?? 'unknown error'}). Choose another folder.`, freeSpace: null };
      if (dirname(at) === at) return { problem: `${path} cannot be created: nothing of its path exists. Choose another folder.`, freeSpace: null };
      at = dirname(at);
    }
  }
  const freeSpace = await statfs(at).then(
    (s) => s.bavail * s.bsize,
    () => null,
  );
  if (!existing.isDirectory()) {
    return { problem: at === path ? `${path} is a file, not a folder. Choose a folder.` : `${path} cannot be created: ${at} is a file, not a folder. Choose another folder.`, freeSpace };
  }
  const writable = await access(at, constants.W_OK | constants.X_OK).then(
    () => true,
    () => false,
  );
  if (!writable) {
    return { problem: at === path ? `No permission to write in ${path}. Give your user access to it, or choose another folder.` : `${path} cannot be created: no permission to write in ${at}. Choose another folder.`, freeSpace };
  }
  return { problem: null, freeSpace };
}
