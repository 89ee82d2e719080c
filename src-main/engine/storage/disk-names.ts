import path from 'node:path';
import { ShoalError } from '../../../src-shared/errors';
import type { Metainfo } from '../metainfo/metainfo';
import { filePaths } from './paths';

/** A file the user renamed: its index and new path, relative to the torrent's folder (a single-file torrent's: its name). */
export interface RenamedFile {
  readonly index: number;
  readonly path: readonly string[];
}

/**
 * The metainfo as its files lie on disk: the user's renames in place of the torrent's own paths.
 * Storage, moves and deletes work on this; the info-hash, pieces and hashes are unchanged. A
 * single-file torrent's file is named by `name`, so its rename changes that.
 */
export function onDisk(m: Metainfo, renamed: readonly RenamedFile[]): Metainfo {
  if (renamed.length === 0) return m;
  const files = [...m.files];
  for (const r of renamed) {
    const file = files[r.index];
    if (file === undefined || (!m.multiFile && r.path.length !== 1)) throw new ShoalError('invalid-torrent', `the saved new name of file ${r.index + 1} does not fit the torrent`);
    files[r.index] = { ...file, path: r.path };
  }
  return m.multiFile ? { ...m, files } : { ...m, files, name: files[0]!.path[0]! };
}

/** A rename on disk: the torrent's renames afterwards, and what is renamed where (absolute paths). */
export interface RenamePlan {
  readonly renamed: readonly RenamedFile[];
  readonly from: string;
  readonly to: string;
}

/**
 * Plans renaming the file or folder `target` (a path as the Files tab shows it: '/'-separated,
 * relative to the torrent's folder) to `newName`, in the same folder. Refused with the user's
 * sentence: a name that is empty, `.`, `..` or holds a separator or control character; a target
 * the torrent has no file or folder at; a name another of its files or folders already has.
 * Undefined when the name does not change.
 */
export function planRename(m: Metainfo, renamed: readonly RenamedFile[], savePath: string, target: string, newName: string): RenamePlan | undefined {
  checkName(newName);
  const disk = onDisk(m, renamed);
  const parts = target.split('/');
  const key = (p: readonly string[]) => p.join('/');
  const under = (p: readonly string[], prefix: string) => key(p) === prefix || key(p).startsWith(`${prefix}/`);
  const moved = disk.files.flatMap((f, index) => (!f.pad && under(f.path, target) ? [index] : []));
  if (parts.some((p) => p === '') || moved.length === 0) throw new ShoalError('not-found', `"${target.slice(0, 200)}" is not a file or folder of this torrent`);
  const renamedTo = [...parts.slice(0, -1), newName];
  if (key(renamedTo) === target) return undefined;
  if (disk.files.some((f) => under(f.path, key(renamedTo)))) throw new ShoalError('already-exists', `there is already a file or folder named "${newName}" beside "${parts.at(-1)!}"`);
  const next = new Map(renamed.map((r) => [r.index, r.path]));
  for (const index of moved) {
    const now = disk.files[index]!.path;
    const path = [...renamedTo, ...now.slice(parts.length)];
    // Named back as the torrent names it: nothing to remember.
    if (key(path) === key(m.files[index]!.path)) next.delete(index);
    else next.set(index, path);
  }
  const result = [...next].sort(([a], [b]) => a - b).map(([index, path]) => ({ index, path }));
  // Opening checks every path again: nothing may lead outside the save folder.
  filePaths(onDisk(m, result), savePath);
  const base = disk.multiFile ? [path.resolve(savePath), disk.name] : [path.resolve(savePath)];
  return { renamed: result, from: path.join(...base, ...parts), to: path.join(...base, ...renamedTo) };
}

/** One file or folder name as the user typed it: no separators, nothing that names another folder, nothing unprintable. */
function checkName(name: string): void {
  const problem =
    name === '' ? 'is empty'
    : name === '.' || name === '..' ? 'names a folder, not a file'
    : /[/\\]/.test(name) ? 'holds a path separator (/ or \\); a rename stays in the same folder'
    : [...name].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127) ? 'holds a control character'
    : Buffer.byteLength(name) > 255 ? 'is longer than a file name may be (255 bytes)'
    : undefined;
  if (problem !== undefined) throw new ShoalError('invalid-input', `the new name "${name.slice(0, 100)}" ${problem}`);
}
