import { describe, expect, it } from 'vitest';
import { ShoalError } from '../../../src-shared/errors';
import { fileError, notAFolder } from './file-errors';

function osError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: raw`), { code });
}

describe('fileError', () => {
  it.each([
    ['ENOSPC', 'disk-full', 'The disk is full while writing /d/a.bin. Free some space'],
    ['EACCES', 'permission-denied', 'No permission for writing /d/a.bin. Give your user access'],
    ['EPERM', 'permission-denied', 'No permission for writing /d/a.bin.'],
    ['EROFS', 'io', 'Cannot write /d/a.bin: the disk is read-only. Choose a folder'],
    ['EEXIST', 'io', 'Cannot use /d/a.bin: a folder in its path is a file. Rename or move that file'],
    ['ENOTDIR', 'io', 'Cannot use /d/a.bin: a folder in its path is a file.'],
    ['ENOENT', 'not-found', '/d/a.bin does not exist. Check that it was not moved'],
  ])('%s says what happened and what to do', (code, kind, sentence) => {
    const err = fileError(osError(code), 'writing', '/d/a.bin');
    expect(err.code).toBe(kind);
    expect(err.message).toContain(sentence);
    expect(err.message).not.toContain('raw');
  });

  it('names the code of an error it has no sentence for', () => {
    expect(fileError(osError('EIO'), 'reading', '/d/a.bin').message).toBe(
      'The disk failed while reading /d/a.bin (EIO). Check the disk, then try again.',
    );
  });

  it('passes a ShoalError through unchanged', () => {
    const original = new ShoalError('io', 'already worded');
    expect(fileError(original, 'opening', '/x')).toBe(original);
  });
});

describe('notAFolder', () => {
  it('names the file standing where a folder should be', () => {
    expect(notAFolder('/d/x/a.bin', '/d/x').message).toBe(
      'Cannot use /d/x/a.bin: /d/x is a file, not a folder. Rename or move that file, then try again.',
    );
  });
});
