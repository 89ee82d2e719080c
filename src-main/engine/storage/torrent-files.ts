import { ShoalError } from '../../../src-shared/errors';
import { fileError } from '../fs/file-errors';
import { HandlePool } from './handle-pool';
import { IoGate } from './io-gate';
import type { HashWorkerData } from '../metainfo/piece-hash-worker';
import type { FileRegion, PieceLayout } from './layout';
import type { PartsFile } from './parts-file';
import { regionTargets } from './region-targets';
import type { SafeOpener, StorageFile } from './safe-open';
import { WriteBatcher, type WriteDone } from './write-batcher';

/**
 * The torrent's byte stream on disk: positional reads and writes that map onto its files through
 * the layout. Pad files are skipped on write and read as zeros; handles come from a bounded pool.
 *
 * Skipped files are never created or written: their bytes in pieces shared with wanted files go
 * to the parts file. Where a skipped file's bytes are: in the parts file when their piece has a
 * slot there, otherwise in the file itself (written before it was skipped) or nowhere. Changing
 * which files are skipped moves bytes so that this stays true (see `setSkipped`).
 */
export class TorrentFiles {
  readonly #layout: PieceLayout;
  readonly #paths: readonly string[];
  readonly #pool: HandlePool;
  /** One per file with writes pending; dropped when idle. */
  readonly #batchers = new Map<number, WriteBatcher>();
  readonly #parts: PartsFile | undefined;
  /** 1 for each skipped file. */
  readonly #skipped: Uint8Array;
  #skippedCount = 0;
  /** Reads and writes are shared; moving bytes between the parts file and files is exclusive. */
  readonly #gate = new IoGate();
  /** Slots being made, so concurrent writes to one piece wait for the same one. */
  readonly #allocating = new Map<number, Promise<void>>();
  readonly #opener: SafeOpener;

  constructor(layout: PieceLayout, paths: readonly string[], opener: SafeOpener, maxOpenFiles = 64, parts?: PartsFile) {
    this.#layout = layout;
    this.#paths = paths;
    this.#opener = opener;
    this.#pool = new HandlePool((file, writable) => opener.open(this.#pathOf(file), writable), maxOpenFiles);
    this.#parts = parts;
    this.#skipped = new Uint8Array(layout.fileCount);
  }

  isSkipped(file: number): boolean {
    return this.#skipped[file] === 1;
  }

  /**
   * Writes `data` at stream offset `offset`; `done` is told once every byte reached the OS, or
   * the error. A callback rather than a promise: this runs for every block received.
   */
  write(offset: number, data: Uint8Array, done: WriteDone): void {
    if (this.#skippedCount === 0 && this.#gate.tryEnter()) {
      // Most blocks lie inside one file: no list of regions, and the batcher leaves the gate.
      const layout = this.#layout;
      const file = offset >= 0 && data.length > 0 && offset + data.length <= layout.length ? layout.fileAt(offset) : -1;
      if (file >= 0 && !layout.isPad(file) && offset + data.length <= layout.fileStart(file) + layout.fileLength(file)) {
        this.#batcher(file).write(offset - layout.fileStart(file), data, done, this.#leaveGate);
        return;
      }
      let regions: FileRegion[];
      try {
        regions = this.#layout.regions(offset, data.length);
      } catch (err) {
        this.#gate.leave();
        queueMicrotask(() => done(err));
        return;
      }
      this.#writeRegions(offset, data, regions, (err) => {
        this.#gate.leave();
        done(err);
      });
      return;
    }
    // A job is moving bytes, or some files are skipped: the rare path, with promises.
    this.#gate.shared(() => (this.#skippedCount === 0 ? this.#write(offset, data) : this.#writeWithSkipped(offset, data))).then(() => done(), done);
  }

  readonly #leaveGate = (): void => this.#gate.leave();

  /** Writes `data` (at stream offset `offset`) to its regions; `done` once all are written or one failed. */
  #writeRegions(offset: number, data: Uint8Array, regions: FileRegion[], done: WriteDone): void {
    let left = regions.length;
    if (left === 0) {
      queueMicrotask(() => done());
      return;
    }
    let failure: unknown;
    const one: WriteDone = (err) => {
      failure ??= err;
      if (--left === 0) done(failure);
    };
    for (const r of regions) {
      if (r.pad) queueMicrotask(() => one());
      else this.#batcher(r.file).write(r.fileOffset, regions.length === 1 ? data : data.subarray(r.offset - offset, r.offset - offset + r.length), one);
    }
  }

  /** `write` as a promise, for the rare paths. */
  #write(offset: number, data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.#writeRegions(offset, data, this.#layout.regions(offset, data.length), (err) => (err === undefined ? resolve() : reject(err))));
  }

  /** One file's write through its batcher, as a promise. */
  #writeFile(file: number, position: number, data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.#batcher(file).write(position, data, (err) => (err === undefined ? resolve() : reject(err))));
  }

  /** Fills `target` from stream offset `offset`; a missing or short file is an error here. */
  read(offset: number, target: Uint8Array): Promise<void> {
    return this.#gate.shared(() => (this.#skippedCount === 0 ? this.#read(offset, target) : this.#readWithSkipped(offset, target)));
  }

  async #read(offset: number, target: Uint8Array): Promise<void> {
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

  async #writeWithSkipped(offset: number, data: Uint8Array): Promise<void> {
    await Promise.all(
      regionTargets(this.#layout, (f) => this.isSkipped(f), offset, data.length).map(async (t) => {
        const slice = data.subarray(t.at, t.at + t.length);
        if (t.kind === 'file') await this.#writeFile(t.file, t.fileOffset, slice);
        else if (t.kind === 'skipped') {
          await this.#slot(t.piece);
          await this.#parts!.write(t.piece, t.pieceOffset, slice);
        }
      }),
    );
  }

  async #readWithSkipped(offset: number, target: Uint8Array): Promise<void> {
    await Promise.all(
      regionTargets(this.#layout, (f) => this.isSkipped(f), offset, target.length).map((t) => {
        if (t.kind === 'pad') target.fill(0, t.at, t.at + t.length);
        else if (t.kind === 'skipped' && this.#parts!.has(t.piece)) return this.#parts!.read(t.piece, t.pieceOffset, target, t.at, t.length);
        else return this.#readRegion(t.file, t.fileOffset, target, t.at, t.length);
        return undefined;
      }),
    );
  }

  /**
   * Gives `piece` a slot in the parts file. Bytes of its skipped files that are still in the files
   * themselves (a file skipped while the piece was being downloaded) are copied in first, so every
   * skipped byte of a piece with a slot is in the slot.
   */
  #slot(piece: number): Promise<void> {
    const parts = this.#parts!;
    if (parts.has(piece)) return Promise.resolve();
    let making = this.#allocating.get(piece);
    if (making === undefined) {
      making = (async () => {
        await parts.allocate(piece);
        await this.#copyIntoSlot(piece, (file) => this.isSkipped(file));
      })().finally(() => this.#allocating.delete(piece));
      this.#allocating.set(piece, making);
    }
    return making;
  }

  /**
   * Marks (1) in `absent` the pieces whose bytes of `file` are missing from disk, so a check never
   * reads them. A skipped file's bytes count as present where its piece has a parts-file slot.
   */
  async markAbsent(file: number, absent: Uint8Array): Promise<void> {
    const layout = this.#layout;
    const length = layout.fileLength(file);
    const pieces = layout.piecesOfFile(file);
    if (pieces === undefined || layout.isPad(file)) return;
    const available = await this.availableLength(file);
    if (available >= length) return;
    const start = layout.fileStart(file);
    if (!this.isSkipped(file)) {
      absent.fill(1, Math.floor((start + available) / layout.pieceLength), pieces.last + 1);
      return;
    }
    for (let piece = pieces.first; piece <= pieces.last; piece++) {
      const needed = Math.min(length, (piece + 1) * layout.pieceLength - start);
      if (available < needed && !this.#parts!.has(piece)) absent[piece] = 1;
    }
  }

  /** Marks (1) in `mask` every piece touching a skipped file, once pending selection changes are done. */
  async markSkippedPieces(mask: Uint8Array): Promise<void> {
    await this.#gate.shared(async () => {
      for (let file = 0; file < this.#layout.fileCount; file++) {
        const pieces = this.isSkipped(file) ? this.#layout.piecesOfFile(file) : undefined;
        if (pieces) mask.fill(1, pieces.first, pieces.last + 1);
      }
    });
  }

  /** Resolves once selection changes asked for so far are done. */
  settled(): Promise<void> {
    return this.#gate.shared(async () => undefined);
  }

  /**
   * Makes `files` the skipped ones. Waits for reads and writes in flight, holds new ones back, and
   * moves bytes of pieces with parts-file slots: a file wanted again gets its bytes from the slots
   * (the rest is downloaded); a newly skipped file's bytes are copied into existing slots and the
   * file itself is left as it is, like qBittorrent does, rather than deleted or cut. Slots with no
   * skipped file left are freed.
   */
  setSkipped(files: ReadonlySet<number>): Promise<void> {
    return this.#gate.exclusive(async () => {
      const parts = this.#parts;
      if (parts === undefined) throw new ShoalError('internal', 'this torrent storage cannot skip files');
      for (const file of files) {
        if (!Number.isInteger(file) || file < 0 || file >= this.#layout.fileCount) throw new ShoalError('invalid-input', `the torrent has no file ${file}`);
      }
      await parts.load();
      const before = this.#skipped.slice();
      this.#skipped.fill(0);
      for (const file of files) this.#skipped[file] = 1;
      this.#skippedCount = files.size;
      for (const piece of [...parts.pieces()]) {
        await this.#copyOutOfSlot(piece, (file) => before[file] === 1 && !this.isSkipped(file));
        await this.#copyIntoSlot(piece, (file) => before[file] === 0 && this.isSkipped(file));
        const regions = this.#layout.regions(this.#layout.pieceOffset(piece), this.#layout.pieceSize(piece));
        if (!regions.some((r) => !r.pad && this.isSkipped(r.file))) await parts.free(piece);
      }
    });
  }

  /** Copies the bytes of `piece` in the files `which` selects from those files into its slot, where the files have them. */
  async #copyIntoSlot(piece: number, which: (file: number) => boolean): Promise<void> {
    for (const r of this.#layout.regions(this.#layout.pieceOffset(piece), this.#layout.pieceSize(piece))) {
      if (r.pad || !which(r.file)) continue;
      const data = Buffer.allocUnsafe(r.length);
      const got = await this.#readSome(r.file, r.fileOffset, data);
      if (got > 0) await this.#parts!.write(piece, r.offset - this.#layout.pieceOffset(piece), data.subarray(0, got));
    }
  }

  /** Copies the bytes of `piece` in the files `which` selects from its slot into those files. */
  async #copyOutOfSlot(piece: number, which: (file: number) => boolean): Promise<void> {
    for (const r of this.#layout.regions(this.#layout.pieceOffset(piece), this.#layout.pieceSize(piece))) {
      if (r.pad || !which(r.file)) continue;
      const data = Buffer.allocUnsafe(r.length);
      await this.#parts!.read(piece, r.offset - this.#layout.pieceOffset(piece), data, 0, r.length);
      await this.#writeFile(r.file, r.fileOffset, data);
    }
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
      if (this.#layout.fileLength(file) !== 0 || this.#layout.isPad(file) || this.isSkipped(file)) continue;
      // Look before creating, so an existing read-only file is never opened for writing.
      if (await this.#pool.use(file, false, async (h) => h !== undefined)) continue;
      await this.#pool.use(file, true, async () => undefined);
    }
  }

  /** Cuts wanted files that are longer on disk than in the torrent (left over from an older download). */
  async truncateToSize(): Promise<void> {
    for (let file = 0; file < this.#layout.fileCount; file++) {
      const length = this.#layout.fileLength(file);
      if (this.#layout.isPad(file) || length === 0 || this.isSkipped(file)) continue;
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

  /**
   * Files `first` to `end - 1` opened for reading, by descriptor, for hash workers: they read
   * descriptors, never paths, so the opener's rules (strictly inside the save folder) still hold.
   * A missing file, or one outside the range, gets -1 (never read). Undefined, nothing left open,
   * when files are skipped (their bytes may be in the parts file) or when a handle has no
   * descriptor (files injected by tests).
   */
  async openForHashing(first: number, end: number): Promise<{ files: HashWorkerData['files']; close(): Promise<void> } | undefined> {
    if (this.#skippedCount > 0) return undefined;
    const handles: StorageFile[] = [];
    const close = async (): Promise<void> => {
      await Promise.all(handles.map((h) => h.close()));
    };
    const files: HashWorkerData['files'][number][] = [];
    // Opened all at once: each open walks the folders through the opener, several round trips to
    // the thread pool, and one after another they kept the hash workers waiting.
    const opening: Promise<void>[] = [];
    let fdless = false;
    for (let file = 0; file < this.#layout.fileCount; file++) {
      const absolute = this.#pathOf(file);
      const length = this.#layout.fileLength(file);
      if (this.#layout.isPad(file) || length === 0) {
        files.push({ absolute, length, pad: true }); // nothing to read: zeros, or no bytes at all
        continue;
      }
      const at = files.push({ absolute, length, fd: -1 }) - 1;
      if (file < first || file >= end) continue;
      opening.push(
        this.#opener.open(absolute, false).then((handle) => {
          if (!handle) return;
          handles.push(handle);
          if ('fd' in handle && typeof handle.fd === 'number') files[at] = { absolute, length, fd: handle.fd };
          else fdless = true;
        }),
      );
    }
    const failed = (await Promise.allSettled(opening)).find((r) => r.status === 'rejected');
    if (failed || fdless) {
      await close();
      if (failed) throw failed.reason;
      return undefined;
    }
    return { files, close };
  }

  /** Closes the idle file handles, so the next reads see the files as they are now (replaced or deleted ones too). */
  async closeIdleHandles(): Promise<void> {
    for (let file = 0; file < this.#layout.fileCount; file++) await this.#pool.closeFile(file);
  }

  async close(): Promise<void> {
    await this.#pool.closeAll();
    await this.#parts?.close();
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

  /** Reads what `file` has from `position` into `target`, up to its length; 0 when it is missing. */
  async #readSome(file: number, position: number, target: Uint8Array): Promise<number> {
    const path = this.#pathOf(file);
    return this.#pool.use(file, false, async (h) => {
      if (h === undefined) return 0;
      try {
        let done = 0;
        while (done < target.length) {
          const { bytesRead } = await h.read(target, done, target.length - done, position + done);
          if (bytesRead <= 0) break;
          done += bytesRead;
        }
        return done;
      } catch (err) {
        throw fileError(err, 'reading', path);
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
