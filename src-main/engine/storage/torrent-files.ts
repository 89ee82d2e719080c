import { ShoalError } from '../../../src-shared/errors';
import { fileError } from './file-errors';
import { HandlePool } from './handle-pool';
import type { PieceLayout } from './layout';
import type { SafeOpener, StorageFile } from './safe-open';
import { WriteBatcher } from './write-batcher';

/**
 * The torrent's byte stream on disk: positional reads and writes that map onto its files through
 * the layout. Pad files are skipped on write and read as zeros; handles come from a bounded pool.
 */
export class TorrentFiles {
  readonly #layout: PieceLayout;
  readonly #paths: readonly string[];
  readonly #pool: HandlePool;
  /** One per file with writes pending; dropped when idle. */
  readonly #batchers = new Map<number, WriteBatcher>();

  constructor(layout: PieceLayout, paths: readonly string[], opener: SafeOpener, maxOpenFiles = 64) {
    this.#layout = layout;
    this.#paths = paths;
    this.#pool = new HandlePool((file, writable) => opener.open(this.#pathOf(file), writable), maxOpenFiles);
  }

  get openHandles(): number {
    return this.#pool.size;
  }

  /** Writes `data` at stream offset `offset`; resolves once every byte reached the OS. */
  async write(offset: number, data: Uint8Array): Promise<void> {
    const regions = this.#layout.regions(offset, data.length);
    if (regions.length === 1) {
      const r = regions[0]!;
      if (!r.pad) await this.#batcher(r.file).write(r.fileOffset, data);
      return;
    }
    await Promise.all(
      regions.map((r) => (r.pad ? undefined : this.#batcher(r.file).write(r.fileOffset, data.subarray(r.offset - offset, r.offset - offset + r.length)))),
    );
  }

  /** Fills `target` from stream offset `offset`; a missing or short file is an error here. */
  async read(offset: number, target: Uint8Array): Promise<void> {
    const regions = this.#layout.regions(offset, target.length);
    await Promise.all(
      regions.map((r) => {
        const at = r.offset - offset;
        if (r.pad) {
          target.fill(0, at, at + r.length);
          return undefined;
        }
        return this.#readRegion(r.file, r.fileOffset, target, at, r.length);
      }),
    );
  }

  /** How many of file `file`'s bytes exist on disk (0 when it is missing), capped at its length. */
  async availableLength(file: number): Promise<number> {
    const length = this.#layout.fileLength(file);
    if (this.#layout.isPad(file) || length === 0) return length;
    return Math.min(await this.#sizeOnDisk(file), length);
  }

  /** Creates the torrent's zero-length files; they hold no piece, so no write ever creates them. */
  async createEmptyFiles(): Promise<void> {
    for (let file = 0; file < this.#layout.fileCount; file++) {
      if (this.#layout.fileLength(file) !== 0 || this.#layout.isPad(file)) continue;
      // Look before creating, so an existing read-only file is never opened for writing.
      if (await this.#pool.use(file, false, async (h) => h !== undefined)) continue;
      await this.#pool.use(file, true, async () => undefined);
    }
  }

  /** Cuts files that are longer on disk than in the torrent (left over from an older download). */
  async truncateToSize(): Promise<void> {
    for (let file = 0; file < this.#layout.fileCount; file++) {
      const length = this.#layout.fileLength(file);
      if (this.#layout.isPad(file) || length === 0) continue;
      if ((await this.#sizeOnDisk(file)) <= length) continue;
      const path = this.#pathOf(file);
      await this.#pool.use(file, true, async (h) => {
        try {
          await (h ?? missing(path)).truncate(length);
        } catch (err) {
          throw fileError(err, 'writing', path);
        }
      });
    }
  }

  async close(): Promise<void> {
    await this.#pool.closeAll();
  }

  /** The file's size on disk, 0 when it is missing. */
  async #sizeOnDisk(file: number): Promise<number> {
    const path = this.#pathOf(file);
    return this.#pool.use(file, false, async (h) => {
      if (h === undefined) return 0;
      try {
        return (await h.stat()).size;
      } catch (err) {
        throw fileError(err, 'reading', path);
      }
    });
  }

  #batcher(file: number): WriteBatcher {
    let batcher = this.#batchers.get(file);
    if (batcher === undefined) {
      batcher = new WriteBatcher(
        (position, buffers) => this.#writeRun(file, position, buffers),
        () => this.#batchers.delete(file),
      );
      this.#batchers.set(file, batcher);
    }
    return batcher;
  }

  /** Writes adjacent buffers to `file` from `position` with writev, finishing any short write. */
  async #writeRun(file: number, position: number, buffers: Uint8Array[]): Promise<void> {
    const path = this.#pathOf(file);
    await this.#pool.use(file, true, async (h) => {
      const handle = h ?? missing(path);
      try {
        if (buffers.length === 1) return await writeFully(handle, buffers[0]!, position, path);
        let total = 0;
        for (const b of buffers) total += b.length;
        const { bytesWritten } = await handle.writev(buffers, position);
        // writev may write less than asked (signals, quotas); finish the rest with plain writes.
        if (bytesWritten < total) await writeFully(handle, Buffer.concat(buffers).subarray(bytesWritten), position + bytesWritten, path);
      } catch (err) {
        throw fileError(err, 'writing', path);
      }
    });
  }

  async #readRegion(file: number, position: number, target: Uint8Array, at: number, length: number): Promise<void> {
    const path = this.#pathOf(file);
    await this.#pool.use(file, false, async (h) => {
      const handle = h ?? missing(path);
      try {
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(target, at + done, length - done, position + done);
          if (bytesRead <= 0) throw new ShoalError('io', `${path} is shorter than the torrent says`);
          done += bytesRead;
        }
      } catch (err) {
        throw fileError(err, 'reading', path);
      }
    });
  }

  #pathOf(file: number): string {
    const path = this.#paths[file];
    if (path === undefined) throw new RangeError(`no file ${file}`);
    return path;
  }
}

async function writeFully(handle: StorageFile, data: Uint8Array, position: number, path: string): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    if (bytesWritten <= 0) throw new ShoalError('io', `could not write to ${path}`);
    done += bytesWritten;
  }
}

function missing(path: string): never {
  throw new ShoalError('io', `${path} is missing`);
}
