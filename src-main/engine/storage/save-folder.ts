import { isAbsolute } from 'node:path';
import { ShoalError } from '../../../src-shared/errors';
import { makeFolder } from './make-folder';

/** A torrent's save folder, checked absolute and created. */
export async function prepareSaveFolder(savePath: string): Promise<string> {
  if (!isAbsolute(savePath)) throw new ShoalError('invalid-input', `the save folder must be an absolute path, not "${savePath}"`);
  await makeFolder(savePath, 'the save folder');
  return savePath;
}
