import { constants, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ShoalError } from '../../../src-shared/errors';
import { errnoCode, fileError } from './file-errors';
import { isInside } from './paths';

/** The slice of `fs.promises.FileHandle` storage uses; tests inject failing ones. */
export interface StorageFile {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  writev(buffers: Uint8Array[], position: number): Promise<{ bytesWritten: number }>;
  stat(): Promise<{ size: number }>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export type OpenFile = (path: string, flags: number, mode: number) => Promise<StorageFile>;

export const openFile: OpenFile = (file, flags, mode) => fs.open(file, flags, mode);

/**
 * Opens files strictly inside one folder. Directories are created one level at a time and each
 * existing one is checked, so a symbolic link planted inside the folder that points outside it is
 * refused instead of followed; the file itself is opened with O_NOFOLLOW.
 */
export class SafeOpener {
  readonly root: string;
  readonly #open: OpenFile;
  #realRoot: string | undefined;
  /** Directories already checked (real root–based), so only the first open per folder walks it. */
  readonly #checked = new Set<string>();

  constructor(downloadDir: string, open: OpenFile = openFile) {
    this.root = path.resolve(downloadDir);
    this.#open = open;
  }

  /**
   * Opens `file` (an absolute path below the root) for reading, or for reading and writing,
   * creating it and its folders when `writable`. Resolves `undefined` when reading a file that
   * does not exist.
   */
  async open(file: string, writable: boolean): Promise<StorageFile | undefined> {
    const action = writable ? 'creating' : 'opening';
    if (!isInside(this.root, file)) {
      throw new ShoalError('invalid-torrent', `refusing to use ${file}: it is outside the download folder`);
    }
    const dir = await this.#safeDir(path.dirname(file), writable, file);
    if (dir === undefined) return undefined;
    const target = path.join(dir, path.basename(file));
    const flags = (writable ? constants.O_RDWR | constants.O_CREAT : constants.O_RDONLY) | constants.O_NOFOLLOW;
    try {
      return await this.#open(target, flags, 0o666);
    } catch (err) {
      if (!writable && errnoCode(err) === 'ENOENT') return undefined;
      throw fileError(err, action, file);
    }
  }

  /**
   * The real path to use for `file` (an absolute path below the root), its folders created and
   * checked as `open` does: for renaming or creating a file there without following a planted link.
   */
  async pathFor(file: string): Promise<string> {
    if (!isInside(this.root, file)) {
      throw new ShoalError('invalid-torrent', `refusing to use ${file}: it is outside the download folder`);
    }
    const dir = await this.#safeDir(path.dirname(file), true, file);
    return path.join(dir!, path.basename(file));
  }

  /** The real path of `dir` after checking every level below the root; `undefined` if missing. */
  async #safeDir(dir: string, create: boolean, file: string): Promise<string | undefined> {
    const realRoot = await this.#root(create, file);
    if (realRoot === undefined) return undefined;
    const rel = path.relative(this.root, dir);
    let current = realRoot;
    for (const component of rel === '' ? [] : rel.split(path.sep)) {
      current = path.join(current, component);
      if (this.#checked.has(current)) continue;
      let stats = await lstatOrUndefined(current, file);
      if (stats === undefined) {
        if (!create) return undefined;
        try {
          await fs.mkdir(current);
        } catch (err) {
          if (errnoCode(err) !== 'EEXIST') throw fileError(err, 'creating', current);
        }
        stats = await lstatOrUndefined(current, file);
        if (stats === undefined) throw new ShoalError('io', `the folder ${current} vanished while ${file} was being created`);
      }
      if (stats.isSymbolicLink()) {
        let real: string;
        try {
          real = await fs.realpath(current);
        } catch (err) {
          if (!create && errnoCode(err) === 'ENOENT') return undefined;
          throw fileError(err, 'opening', current);
        }
        if (real !== realRoot && !isInside(realRoot, real)) {
          throw new ShoalError('permission-denied', `refusing to use ${file}: the link ${current} leads outside the download folder`);
        }
        stats = await fs.stat(current).catch((err: unknown) => {
          throw fileError(err, 'opening', current);
        });
      }
      if (!stats.isDirectory()) throw new ShoalError('io', `cannot use ${file}: ${current} is a file, not a folder`);
      this.#checked.add(current);
    }
    return current;
  }

  async #root(create: boolean, file: string): Promise<string | undefined> {
    if (this.#realRoot !== undefined) return this.#realRoot;
    try {
      // The download folder is the user's choice and trusted; only what lies below it is checked.
      if (create) await fs.mkdir(this.root, { recursive: true });
      this.#realRoot = await fs.realpath(this.root);
      return this.#realRoot;
    } catch (err) {
      if (!create && errnoCode(err) === 'ENOENT') return undefined;
      throw fileError(err, 'creating', file);
    }
  }
}

async function lstatOrUndefined(p: string, file: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(p);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw fileError(err, 'opening', file);
  }
}
