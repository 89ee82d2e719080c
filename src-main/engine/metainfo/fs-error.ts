import { ShoalError } from '../../../src-shared/errors';

/** Turns a file-system error into the sentence a user can act on. */
export function fsError(err: unknown, path: string, action: 'read' | 'write' = 'read'): ShoalError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new ShoalError('not-found', `'${path}' does not exist.`);
    case 'EACCES':
    case 'EPERM':
      return new ShoalError('permission-denied', `No permission to ${action} '${path}'.`);
    case 'ENOSPC':
      return new ShoalError('disk-full', `The disk is full while writing '${path}'.`);
    default:
      return new ShoalError('io', `Cannot ${action} '${path}' (${code ?? String(err)}).`);
  }
}
