import { rm } from 'node:fs/promises';
import { ShoalError } from '../../../src-shared/errors';
import { fileError } from '../fs/file-errors';
import type { SafeOpener, StorageFile } from './safe-open';

const MAGIC = Buffer.from('SHOALPT1', 'latin1');
/** Magic, piece length, piece count. */
const HEADER = MAGIC.length + 8;
/** Slots start on a page boundary after the slot table. */
const ALIGN = 4096;

/**
 * The bytes of skipped files that share pieces with wanted files, kept out of the skipped files
 * themselves (libtorrent's `.<infohash>.parts`). A piece gets a slot of one piece length the first
 * time such bytes are stored; inside a slot each byte sits at its offset in the piece, so the
 * piece can be hashed, served and rechecked.
 *
 * On disk: 'SHOALPT1', piece length and piece count (u32 LE), then one u32 per piece (0: no slot,
 * n: slot n-1), then the slots from the next 4 KiB boundary. A file whose header does not match
 * the torrent is treated as empty and rewritten. When the last slot is freed the file is deleted.
 */
export class PartsFile {
  /** Absolute path, inside the save folder. */
  readonly path: string;
  readonly #opener: SafeOpener;
  readonly #pieceLength: number;
  readonly #pieceCount: number;
  readonly #dataStart: number;
  /** piece → slot */
  readonly #slots = new Map<number, number>();
  /** Freed slots, reused before the file grows. */
  readonly #free: number[] = [];
  #nextSlot = 0;
  #loaded: Promise<void> | undefined;
  #handle: Promise<StorageFile> | undefined;
  /** Whether the file on disk carries our header (written with the first slot). */
  #hasHeader = false;

  constructor(opener: SafeOpener, path: string, pieceLength: number, pieceCount: number) {
    this.#opener = opener;
    this.path = path;
    this.#pieceLength = pieceLength;
    this.#pieceCount = pieceCount;
    this.#dataStart = Math.ceil((HEADER + 4 * pieceCount) / ALIGN) * ALIGN;
  }

  /** Reads the slot table once, if the file exists. Call before `has`. */
  load(): Promise<void> {
    this.#loaded ??= this.#load().catch((err: unknown) => {
      this.#loaded = undefined;
      throw err;
    });
    return this.#loaded;
  }

  get slotCount(): number {
    return this.#slots.size;
  }

  /** Pieces that have a slot. */
  pieces(): IterableIterator<number> {
    return this.#slots.keys();
  }

  has(piece: number): boolean {
    return this.#slots.has(piece);
  }

  /** Gives `piece` a slot (its bytes read as zeros until written). */
  async allocate(piece: number): Promise<void> {
    await this.load();
    if (this.#slots.has(piece)) return;
    const slot = this.#free.pop() ?? this.#nextSlot++;
    this.#slots.set(piece, slot);
    try {
      const h = await this.#writable();
      if (!this.#hasHeader) {
        const header = Buffer.alloc(HEADER);
        MAGIC.copy(header);
        header.writeUInt32LE(this.#pieceLength, MAGIC.length);
        header.writeUInt32LE(this.#pieceCount, MAGIC.length + 4);
        await this.#writeAt(h, header, 0);
        this.#hasHeader = true;
      }
      await this.#writeEntry(h, piece, slot + 1);
    } catch (err) {
      this.#slots.delete(piece);
      this.#free.push(slot);
      throw err;
    }
  }

  /** Drops `piece`'s slot; deletes the file once no slot is left. */
  async free(piece: number): Promise<void> {
    const slot = this.#slots.get(piece);
    if (slot === undefined) return;
    this.#slots.delete(piece);
    this.#free.push(slot);
    if (this.#slots.size === 0) {
      await this.delete();
      return;
    }
    await this.#writeEntry(await this.#writable(), piece, 0);
  }

  /** Writes `data` at `pieceOffset` of `piece`'s slot (which must exist). */
  async write(piece: number, pieceOffset: number, data: Uint8Array): Promise<void> {
    await this.#writeAt(await this.#writable(), data, this.#position(piece, pieceOffset, data.length));
  }

  /** Fills `target[at, at+length)` from `pieceOffset` of `piece`'s slot; bytes never written read as zeros. */
  async read(piece: number, pieceOffset: number, target: Uint8Array, at: number, length: number): Promise<void> {
    const position = this.#position(piece, pieceOffset, length);
    const h = await this.#writable();
    let done = 0;
    try {
      while (done < length) {
        const { bytesRead } = await h.read(target, at + done, length - done, position + done);
        if (bytesRead <= 0) break;
        done += bytesRead;
      }
    } catch (err) {
      throw fileError(err, 'reading', this.path);
    }
    // The slot's tail past the end of the file was never written.
    target.fill(0, at + done, at + length);
  }

  /** Closes the file and removes it from disk; the parts file is empty afterwards. */
  async delete(): Promise<void> {
    await this.close();
    this.#slots.clear();
    this.#free.length = 0;
    this.#nextSlot = 0;
    this.#hasHeader = false;
    try {
      await rm(this.path, { force: true });
    } catch (err) {
      throw fileError(err, 'writing', this.path);
    }
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle === undefined) return;
    try {
      await (await handle).close();
    } catch {
      // Only a descriptor is released; every write already reached the OS.
    }
  }

  async #load(): Promise<void> {
    const h = await this.#opener.open(this.path, false);
    if (h === undefined) return;
    try {
      const table = Buffer.alloc(HEADER + 4 * this.#pieceCount);
      const { bytesRead } = await h.read(table, 0, table.length, 0);
      const matches =
        bytesRead === table.length &&
        table.subarray(0, MAGIC.length).equals(MAGIC) &&
        table.readUInt32LE(MAGIC.length) === this.#pieceLength &&
        table.readUInt32LE(MAGIC.length + 4) === this.#pieceCount;
      // Not ours or from another torrent layout: nothing in it can be trusted, it is rewritten.
      if (!matches) return;
      this.#hasHeader = true;
      const used = new Set<number>();
      for (let piece = 0; piece < this.#pieceCount; piece++) {
        const entry = table.readUInt32LE(HEADER + 4 * piece);
        // At most one slot per piece ever exists; anything else is damage, and that piece is refetched.
        if (entry === 0 || entry > this.#pieceCount || used.has(entry - 1)) continue;
        used.add(entry - 1);
        this.#slots.set(piece, entry - 1);
        this.#nextSlot = Math.max(this.#nextSlot, entry);
      }
      for (let slot = this.#nextSlot - 1; slot >= 0; slot--) if (!used.has(slot)) this.#free.push(slot);
    } catch (err) {
      throw fileError(err, 'reading', this.path);
    } finally {
      await h.close().catch(() => undefined);
    }
  }

  #position(piece: number, pieceOffset: number, length: number): number {
    const slot = this.#slots.get(piece);
    if (slot === undefined) throw new ShoalError('internal', `piece ${piece} has no slot in ${this.path}`);
    if (pieceOffset < 0 || pieceOffset + length > this.#pieceLength) throw new RangeError(`${pieceOffset}+${length} is outside a piece`);
    return this.#dataStart + slot * this.#pieceLength + pieceOffset;
  }

  #writable(): Promise<StorageFile> {
    this.#handle ??= this.#opener.open(this.path, true).then(
      (h) => {
        if (h === undefined) throw new ShoalError('io', `cannot create ${this.path}`);
        return h;
      },
      (err: unknown) => {
        this.#handle = undefined;
        throw err;
      },
    );
    return this.#handle;
  }

  #writeEntry(h: StorageFile, piece: number, value: number): Promise<void> {
    const entry = Buffer.alloc(4);
    entry.writeUInt32LE(value);
    return this.#writeAt(h, entry, HEADER + 4 * piece);
  }

  async #writeAt(h: StorageFile, data: Uint8Array, position: number): Promise<void> {
    try {
      for (let done = 0; done < data.length; ) {
        const { bytesWritten } = await h.write(data, done, data.length - done, position + done);
        if (bytesWritten <= 0) throw new ShoalError('io', `could not write to ${this.path}`);
        done += bytesWritten;
      }
    } catch (err) {
      throw fileError(err, 'writing', this.path);
    }
  }
}
