import { ShoalError } from '../../../src-shared/errors';

/** What the engine was doing when the OS said no; it words the sentence the user sees. */
export type FileAction = 'writing' | 'reading' | 'creating' | 'opening';

/**
 * The one mapping from an OS error on `file` to the sentence a user reads (in the torrent's row,
 * its General tab, a notice, the CLI): what happened, then what to do. ShoalErrors pass through
 * untouched, so callers can wrap a whole operation without double-wrapping.
 */
export function fileError(err: unknown, action: FileAction, file: string): ShoalError {
  if (err instanceof ShoalError) return err;
  const code = errnoCode(err);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new ShoalError('disk-full', `The disk is full while ${action} ${file}. Free some space on it, then try again.`);
    case 'EACCES':
    case 'EPERM':
      return new ShoalError('permission-denied', `No permission for ${action} ${file}. Give your user access to it, or choose another folder.`);
    case 'EROFS':
      return new ShoalError('io', `Cannot write ${file}: the disk is read-only. Choose a folder on a disk that can be written to.`);
    case 'ELOOP':
      return new ShoalError('permission-denied', `Refusing to open ${file}: it is a symbolic link. Remove the link, or choose another folder.`);
    case 'EISDIR':
      return new ShoalError('io', `Cannot use ${file}: a folder has that name. Rename or move that folder, then try again.`);
    case 'ENOTDIR':
    case 'EEXIST':
      return new ShoalError('io', `Cannot use ${file}: a folder in its path is a file. Rename or move that file, then try again.`);
    case 'ENOENT':
      return new ShoalError('not-found', `${file} does not exist. Check that it was not moved or renamed, and that its disk is connected.`);
    case 'ENAMETOOLONG':
      return new ShoalError('io', `Cannot use ${file}: its path is longer than the file system allows. Choose a shorter save folder.`);
    case 'EMFILE':
    case 'ENFILE':
      return new ShoalError('io', `Too many open files while ${action} ${file}. Close other programs, then try again.`);
    default:
      return new ShoalError('io', `The disk failed while ${action} ${file}${code ? ` (${code})` : ''}. Check the disk, then try again.`);
  }
}

/** `folder`, on the way to `file`, is a file: the sentence names the one to move. */
export function notAFolder(file: string, folder: string): ShoalError {
  return new ShoalError('io', `Cannot use ${file}: ${folder} is a file, not a folder. Rename or move that file, then try again.`);
}

/** The `code` of a Node system error (`ENOENT`, …), if `err` is one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
