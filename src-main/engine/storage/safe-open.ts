import { constants, existsSync, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ShoalError } from '../../../src-shared/errors';
import { errnoCode, fileError, notAFolder as notAFolderError } from '../fs/file-errors';
import { isInside } from './paths';
import { makeFolder } from './make-folder';

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
 * On Linux `/proc/self/fd/N/name` is looked up inside the directory that descriptor N holds, as
 * openat(2) would: a folder swapped for a link after it was opened cannot redirect the lookup.
 */
const BY_DESCRIPTOR = process.platform === 'linux' && existsSync('/proc/self/fd');
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY;

/** An open folder below the root, named so a file can be opened in it (close when done). */
interface OpenDir {
  /** A path to the folder that cannot be redirected by a link planted above it. */
  readonly at: string;
  close(): Promise<void>;
}

/**
 * Opens files strictly inside one folder. Every open walks from the root one folder at a time,
 * each opened without following links (a link is followed only when it leads to a folder still
 * inside), and the file itself is opened with O_NOFOLLOW in the last folder reached. Nothing is
 * cached between opens, so a folder swapped for a link mid-download is caught at the next open.
 */
export class SafeOpener {
  readonly root: string;
  readonly #open: OpenFile;
  #realRoot: string | undefined;

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
    const dir = await this.#openDir(path.dirname(file), writable, file);
    if (dir === undefined) return undefined;
    const flags = (writable ? constants.O_RDWR | constants.O_CREAT : constants.O_RDONLY) | constants.O_NOFOLLOW;
    try {
      return await this.#open(path.join(dir.at, path.basename(file)), flags, 0o666);
    } catch (err) {
      if (!writable && errnoCode(err) === 'ENOENT') return undefined;
      throw fileError(err, action, file);
    } finally {
      await dir.close();
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
    const dir = (await this.#openDir(path.dirname(file), true, file))!;
    try {
      return path.join(BY_DESCRIPTOR ? await fs.readlink(dir.at) : dir.at, path.basename(file));
    } finally {
      await dir.close();
    }
  }

  /** Opens `dir` after checking every level below the root; `undefined` if it is missing. */
  async #openDir(dir: string, create: boolean, file: string): Promise<OpenDir | undefined> {
    const realRoot = await this.#root(create, file);
    if (realRoot === undefined) return undefined;
    const rel = path.relative(this.root, dir);
    const components = rel === '' ? [] : rel.split(path.sep);
    if (!BY_DESCRIPTOR) {
      const at = await this.#checkedPath(realRoot, components, create, file);
      return at === undefined ? undefined : { at, close: async () => undefined };
    }
    let handle = await fs.open(realRoot, DIR_FLAGS).catch((err: unknown) => {
      throw fileError(err, 'opening', file);
    });
    try {
      let shown = realRoot;
      for (const component of components) {
        shown = path.join(shown, component);
        const next = await this.#step(realRoot, `/proc/self/fd/${handle.fd}/${component}`, shown, create, file);
        if (next === undefined) {
          await handle.close();
          return undefined;
        }
        await handle.close();
        handle = next;
      }
    } catch (err) {
      await handle.close();
      throw err;
    }
    const opened = handle;
    return { at: `/proc/self/fd/${opened.fd}`, close: () => opened.close() };
  }

  /** One level down from an open folder: `at` names the child through the parent's descriptor. */
  async #step(realRoot: string, at: string, shown: string, create: boolean, file: string, attempts = 3): Promise<fs.FileHandle | undefined> {
    const nofollow = () => fs.open(at, DIR_FLAGS | constants.O_NOFOLLOW);
    try {
      return await nofollow();
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT') {
        if (!create) return undefined;
        await fs.mkdir(at).catch((e: unknown) => {
          if (errnoCode(e) !== 'EEXIST') throw fileError(e, 'creating', shown);
        });
        return nofollow().catch((e: unknown) => {
          throw errnoCode(e) === 'ENOENT' ? new ShoalError('io', `the folder ${shown} vanished while ${file} was being created`) : notAFolder(e, shown, file);
        });
      }
      if (code !== 'ENOTDIR') throw notAFolder(err, shown, file);
      const stats = await fs.lstat(at).catch((e: unknown) => {
        if (errnoCode(e) !== 'ENOENT') throw notAFolder(e, shown, file);
      });
      // What stood in the way was removed meanwhile (the user fixing the error): look again.
      if (stats === undefined && attempts > 1) return this.#step(realRoot, at, shown, create, file, attempts - 1);
      if (!stats?.isSymbolicLink()) throw notAFolder(err, shown, file);
    }
    // A link: followed only to a folder inside, judged by where the opened folder really is.
    let target: fs.FileHandle;
    try {
      target = await fs.open(at, DIR_FLAGS);
    } catch (err) {
      if (!create && errnoCode(err) === 'ENOENT') return undefined;
      throw notAFolder(err, shown, file);
    }
    const real = await fs.readlink(`/proc/self/fd/${target.fd}`);
    if (real !== realRoot && !isInside(realRoot, real)) {
      await target.close();
      throw linkOutside(shown, file);
    }
    return target;
  }

  /** Without descriptor paths: the real path of the folder, each level checked now (not cached). */
  async #checkedPath(realRoot: string, components: readonly string[], create: boolean, file: string): Promise<string | undefined> {
    let current = realRoot;
    for (const component of components) {
      current = path.join(current, component);
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
        if (real !== realRoot && !isInside(realRoot, real)) throw linkOutside(current, file);
        stats = await fs.stat(current).catch((err: unknown) => {
          throw fileError(err, 'opening', current);
        });
      }
      if (!stats.isDirectory()) throw notAFolderError(file, current);
    }
    return current;
  }

  async #root(create: boolean, file: string): Promise<string | undefined> {
    if (this.#realRoot !== undefined) return this.#realRoot;
    try {
      // The download folder is the user's choice and trusted; only what lies below it is checked.
      if (create) await makeFolder(this.root, 'the download folder');
      this.#realRoot = await fs.realpath(this.root);
      return this.#realRoot;
    } catch (err) {
      if (!create && errnoCode(err) === 'ENOENT') return undefined;
      throw fileError(err, 'creating', file);
    }
  }
}

function linkOutside(link: string, file: string): ShoalError {
  return new ShoalError('permission-denied', `refusing to use ${file}: the link ${link} leads outside the download folder`);
}

function notAFolder(err: unknown, folder: string, file: string): ShoalError {
  return errnoCode(err) === 'ENOTDIR' ? notAFolderError(file, folder) : fileError(err, 'opening', folder);
}

async function lstatOrUndefined(p: string, file: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(p);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw fileError(err, 'opening', file);
  }
}
