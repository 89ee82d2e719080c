import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ShoalError } from '../../../src-shared/errors';
import { errnoCode } from '../fs/file-errors';

/**
 * Creates `folder` and any missing parents. When that fails, the sentence names the folder that
 * stopped it and what to do: Node's recursive mkdir reports ENOENT when a parent cannot be made
 * (a read-only disk, no permission), so the first missing folder is tried alone to learn why.
 */
export async function makeFolder(folder: string, what: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
    return;
  } catch (err) {
    let code = errnoCode(err);
    let where = folder;
    if (code === 'ENOENT') {
      const missing = await firstMissing(folder);
      where = dirname(missing);
      try {
        await mkdir(missing);
        // Someone else's change made room meanwhile: try the whole path once more.
        return await makeFolder(folder, what);
      } catch (again) {
        code = errnoCode(again) ?? code;
      }
    }
    throw folderError(code, folder, where, what);
  }
}

/** The outermost folder of `folder` that does not exist yet. */
async function firstMissing(folder: string): Promise<string> {
  let missing = folder;
  for (let parent = dirname(folder); parent !== missing; missing = parent, parent = dirname(parent)) {
    if (await stat(parent).then(() => true, () => false)) return missing;
  }
  return missing;
}

function folderError(code: string | undefined, folder: string, where: string, what: string): ShoalError {
  const cannot = `cannot create ${what} ${folder}`;
  switch (code) {
    case 'EROFS':
      return new ShoalError('permission-denied', `${cannot}: ${where} is on a read-only disk; choose a folder on a disk that can be written to`);
    case 'EACCES':
    case 'EPERM':
      return new ShoalError('permission-denied', `${cannot}: no permission to create folders in ${where}; choose a folder you can write to`);
    case 'ENOTDIR':
    case 'EEXIST':
      return new ShoalError('io', `${cannot}: part of that path is a file, not a folder; choose another folder`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new ShoalError('disk-full', `${cannot}: the disk is full; free some space or choose another disk`);
    case 'ENOENT':
      return new ShoalError('not-found', `${cannot}: ${where} does not exist (a disk that is not mounted?); choose another folder`);
    default:
      return new ShoalError('io', `${cannot} (${code ?? 'unknown error'})`);
  }
}
