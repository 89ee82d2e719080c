import { readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { limits, type EventPayload, type Settings } from '../../src-shared/contract';
import { isShoalError } from '../../src-shared/errors';
import { makeFolder } from './storage/make-folder';

/** Where added .torrent files go when the setting says to keep them. */
export const DONE_FOLDER = 'done';

export interface WatchFolderHooks {
  readonly settings: () => Pick<Settings, 'watchDir' | 'watchAfterAdd'>;
  readonly add: (data: Uint8Array, fileName: string) => Promise<{ name: string }>;
  readonly notice: (payload: EventPayload<'notice'>) => void;
  readonly log?: (line: string) => void;
}

/**
 * A folder whose new .torrent files are added, then moved to its "done" subfolder or deleted.
 * Polled (fs.watch misses events on network shares and some file systems). A file is taken only
 * once its size and time have held still for one scan, so one still being written is not read
 * half-way. A file that cannot be added is reported once and left where it is until it changes.
 */
export class WatchFolder {
  readonly #hooks: WatchFolderHooks;
  /** Name → size and time seen at the last scan. */
  #seen = new Map<string, string>();
  /** Name → size and time of a file reported as not addable, so it is not tried again until it changes. */
  readonly #refused = new Map<string, string>();
  #scanning = false;
  /** The folder a "cannot be read" notice was last given for, said once until it changes. */
  #unreadable: string | undefined;

  constructor(hooks: WatchFolderHooks) {
    this.#hooks = hooks;
  }

  /** One pass over the folder; returns the names added. Overlapping calls do nothing. */
  async scan(): Promise<string[]> {
    const dir = this.#hooks.settings().watchDir;
    if (!dir || this.#scanning) return [];
    this.#scanning = true;
    try {
      return await this.#scan(dir);
    } finally {
      this.#scanning = false;
    }
  }

  async #scan(dir: string): Promise<string[]> {
    let names: string[];
    try {
      names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.torrent')).map((e) => e.name);
      this.#unreadable = undefined;
    } catch (err) {
      if (this.#unreadable !== dir) {
        this.#unreadable = dir;
        this.#hooks.notice({ kind: 'error', message: `The watch folder ${dir} cannot be read: ${(err as Error).message}`, code: 'io' });
      }
      return [];
    }
    const seen = new Map<string, string>();
    const added: string[] = [];
    for (const name of names) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (!info) continue;
      const key = `${info.size}:${info.mtimeMs}`;
      seen.set(name, key);
      if (this.#refused.get(name) === key || this.#seen.get(name) !== key) continue;
      this.#refused.delete(name);
      if (await this.#take(dir, name, info.size)) added.push(name);
      else this.#refused.set(name, key);
    }
    this.#seen = seen;
    for (const name of this.#refused.keys()) if (!seen.has(name)) this.#refused.delete(name);
    return added;
  }

  /** Adds one file and clears it away; false when it could not be added or cleared (reported). */
  async #take(dir: string, name: string, size: number): Promise<boolean> {
    const path = join(dir, name);
    try {
      if (size > limits.torrentBytes) throw new Error(`it is larger than ${limits.torrentBytes} bytes`);
      const added = await this.#hooks.add(await readFile(path), name);
      this.#hooks.log?.(`watch folder: added ${added.name} from ${name}`);
    } catch (err) {
      // Already in the list: the file did its job, so it is cleared away like an added one.
      if (!(isShoalError(err) && err.code === 'already-exists')) {
        const reason = (err as Error).message.replace(/\.$/, '');
        this.#hooks.notice({ kind: 'error', message: `The watch folder's ${name} was not added and is left in ${dir}: ${reason}.`, code: isShoalError(err) ? err.code : 'io' });
        return false;
      }
      this.#hooks.log?.(`watch folder: ${name} is already in the list`);
    }
    return await this.#clear(dir, name);
  }

  /** Moves or deletes an added file; false (reported) when it stays, so it is not added again and again. */
  async #clear(dir: string, name: string): Promise<boolean> {
    try {
      if (this.#hooks.settings().watchAfterAdd === 'delete') {
        await unlink(join(dir, name));
      } else {
        const done = join(dir, DONE_FOLDER);
        await makeFolder(done, 'the watch folder\'s "done" folder');
        await rename(join(dir, name), join(done, await freeName(done, name)));
      }
      return true;
    } catch (err) {
      this.#hooks.notice({ kind: 'error', message: `The watch folder's ${name} was added but could not be cleared away: ${(err as Error).message}`, code: 'io' });
      return false;
    }
  }
}

/** `name`, or `name (2).torrent` … when a file of that name is already there. */
async function freeName(dir: string, name: string): Promise<string> {
  const base = name.slice(0, -'.torrent'.length);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : `${base} (${n}).torrent`;
    if (!(await stat(join(dir, candidate)).catch(() => undefined))) return candidate;
  }
}
