import { isAbsolute } from 'node:path';
import { ShoalError } from '../../../src-shared/errors';
import type { Metainfo } from '../metainfo/metainfo';
import { makeFolder } from './make-folder';
import { filePaths } from './paths';

/** Linux's PATH_MAX (4,096) less the terminating NUL. */
const maxFullPathBytes = 4095;

/**
 * A torrent's save folder, checked absolute, checked to leave room for the torrent's longest path
 * (else every write of that file would fail with ENAMETOOLONG mid-download), and created.
 */
export async function prepareSaveFolder(savePath: string, metainfo?: Metainfo): Promise<string> {
  if (!isAbsolute(savePath)) throw new ShoalError('invalid-input', `the save folder must be an absolute path, not "${savePath}"`);
  if (metainfo) checkPathsFit(savePath, metainfo);
  await makeFolder(savePath, 'the save folder');
  return savePath;
}

function checkPathsFit(savePath: string, metainfo: Metainfo): void {
  const paths = filePaths(metainfo, savePath);
  let longest = -1;
  let longestBytes = 0;
  paths.forEach((path, i) => {
    const bytes = Buffer.byteLength(path);
    if (!metainfo.files[i]!.pad && bytes > longestBytes) [longest, longestBytes] = [i, bytes];
  });
  if (longestBytes > maxFullPathBytes) {
    throw new ShoalError(
      'invalid-input',
      `the save folder ${savePath} is too long for this torrent: file ${longest + 1} would have a path of ${longestBytes.toLocaleString('en-US')} bytes, more than the ${maxFullPathBytes.toLocaleString('en-US')} a file system allows; choose a shorter save folder`,
    );
  }
}
