import { ShoalError } from '../../../src-shared/errors';

/** What storage was doing when the OS said no; it words the sentence the user sees. */
export type FileAction = 'writing' | 'reading' | 'creating' | 'opening';

/**
 * Turns an OS error on `file` into one human sentence. ShoalErrors pass through untouched, so
 * callers can wrap a whole operation without double-wrapping.
 */
export function fileError(err: unknown, action: FileAction, file: string): ShoalError {
  if (err instanceof ShoalError) return err;
  const code = errnoCode(err);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new ShoalError('disk-full', `the disk is full while ${action} ${file}`);
    case 'EACCES':
    case 'EPERM':
      return new ShoalError('permission-denied', `permission denied while ${action} ${file}`);
    case 'EROFS':
      return new ShoalError('io', `cannot write ${file}: the disk is read-only`);
    case 'ELOOP':
      return new ShoalError('permission-denied', `refusing to open ${file}: it is a symbolic link`);
    case 'EISDIR':
      return new ShoalError('io', `cannot use ${file}: a folder has that name`);
    case 'ENOTDIR':
      return new ShoalError('io', `cannot use ${file}: a file stands where a folder should be`);
    case 'ENAMETOOLONG':
      return new ShoalError('io', `cannot use ${file}: its path is longer than the file system allows; choose a shorter save folder`);
    case 'EMFILE':
    case 'ENFILE':
      return new ShoalError('io', `too many open files while ${action} ${file}`);
    default:
      return new ShoalError('io', `input/output error while ${action} ${file}${code ? ` (${code})` : ''}`);
  }
}

/** The `code` of a Node system error (`ENOENT`, …), if `err` is one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
