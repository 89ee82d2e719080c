import { Bitfield } from '../../../src-shared/bitfield';
import { ShoalError } from '../../../src-shared/errors';
import type { Metainfo } from '../metainfo/metainfo';
import { checkFiles, type CheckProgress, type PieceTargets } from './check';
import { BLOCK_SIZE, PieceLayout } from './layout';
import { filePaths, partsPath } from './paths';
import { PartsFile } from './parts-file';
import type { MerklePieces } from './merkle-pieces';
import { pieceHashesOf, type PieceHashes } from './piece-hash';
import { PieceWriter, type BlockDone } from './piece-writer';
import { piecesToRecheck, stampFiles, type FileStamp, type ResumeData } from './resume';
import { ReadCache, type ChunkHolds, type ReadCachePool, type ReadCacheStats } from './read-cache';
import { openFile, SafeOpener, type OpenFile } from './safe-open';
import { TorrentFiles } from './torrent-files';

export type { BlockDone, WriteOutcome } from './piece-writer';
export type { CheckProgress } from './check';
export type { ResumeData } from './resume';

export interface StorageOptions {
  /** Block size peers exchange; 16 KiB unless the whole swarm agreed on another. */
  readonly blockSize?: number;
  /** Open file handles kept at most (LRU). Default 64. */
  readonly maxOpenFiles?: number;
  /** Read cache for seeding, in bytes, when no `readCache` pool is given. Default 16 MiB; 0 turns it off. */
  readonly readCacheBytes?: number;
  /** The session's read cache budget, shared with its other torrents. */
  readonly readCache?: ReadCachePool;
  /** Largest block a peer may ask for. Default 128 KiB (BEP 3 clients ask for 16 KiB). */
  readonly maxReadLength?: number;
  /** Pieces already verified (e.g. from resume data); copied, not shared. */
  readonly have?: Bitfield;
  /** How files are opened; tests inject failures. */
  readonly openFile?: OpenFile;
}

/** Reads are cached in chunks of this size at most (whole pieces when pieces are smaller). */
const CACHE_CHUNK = 1024 * 1024;

/**
 * One torrent's data on disk. Nothing touches the disk until the first write or read: folders
 * are created lazily, strictly inside the download folder.
 *
 * Usage: `Storage.open(metainfo, dir)`, then `check()` (or pass `have` from resume data); feed
 * received blocks to `writeBlock` and act on its outcome; serve peers with `readBlock`; call
 * `finish()` once every piece is verified and `close()` when the torrent stops.
 */
export class Storage {
  readonly layout: PieceLayout;
  /** Verified pieces; storage sets bits as pieces verify. Treat as read-only. */
  readonly have: Bitfield;
  /** Absolute on-disk path of each file, in torrent order (pad files included, never created). */
  readonly filePaths: readonly string[];
  /** The hidden file in the save folder holding skipped files' bytes of shared pieces; absent while none are kept. */
  readonly partsPath: string;
  /** Told of each piece whose data was just read from disk into the read cache (BEP 6 suggestions). */
  pieceCached: ((piece: number) => void) | undefined;
  readonly #files: TorrentFiles;
  readonly #writer: PieceWriter;
  readonly #cache: ReadCache;
  /** The files' Merkle trees (BEP 52) of a v2 or hybrid torrent, whose piece layers may still be fetched. */
  readonly merkle: MerklePieces | undefined;
  readonly #hashes: PieceHashes;
  /** What a check's hash workers compare pieces with. */
  readonly #targets: PieceTargets;
  readonly #maxReadLength: number;
  readonly #chunkSize: number;
  /** Zero-length files are created with the first write; a failure lets the next write retry. */
  #emptyFiles: Promise<void> | undefined;
  /** `#emptyFiles` has resolved: writes need not wait for it. */
  #emptyFilesMade = false;
  #closed = false;
  /** Bumped by everything that may change the files (writes, skips, finishing): stamps taken before are stale. */
  #changes = 0;
  #stamps: { readonly changes: number; readonly files: (FileStamp | null)[] } | null = null;

  private constructor(metainfo: Metainfo, downloadDir: string, options: StorageOptions) {
    this.layout = new PieceLayout(metainfo, options.blockSize ?? BLOCK_SIZE);
    this.filePaths = filePaths(metainfo, downloadDir);
    if (options.have !== undefined && options.have.size !== metainfo.pieceCount) {
      throw new RangeError(`resume bitfield has ${options.have.size} pieces, the torrent ${metainfo.pieceCount}`);
    }
    this.have = new Bitfield(metainfo.pieceCount, options.have?.bytes);
    const { hashes, merkle } = pieceHashesOf(metainfo, this.layout);
    this.#hashes = hashes;
    this.merkle = merkle;
    this.#targets = { sha1: metainfo.pieceHashes, merkle };
    const opener = new SafeOpener(downloadDir, options.openFile ?? openFile);
    this.partsPath = partsPath(metainfo, opener.root);
    const parts = new PartsFile(opener, this.partsPath, metainfo.pieceLength, metainfo.pieceCount);
    this.#files = new TorrentFiles(this.layout, this.filePaths, opener, options.maxOpenFiles, parts);
    this.#writer = new PieceWriter(this.layout, this.#files, hashes, this.have);
    this.#cache = new ReadCache(options.readCache ?? options.readCacheBytes ?? 16 * 1024 * 1024);
    this.#maxReadLength = options.maxReadLength ?? 128 * 1024;
    this.#chunkSize = Math.min(metainfo.pieceLength, CACHE_CHUNK);
  }

  /** Validates the torrent's paths against `downloadDir` (ShoalError 'invalid-torrent' if unsafe). */
  static open(metainfo: Metainfo, downloadDir: string, options: StorageOptions = {}): Storage {
    return new Storage(metainfo, downloadDir, options);
  }

  get readCacheStats(): ReadCacheStats {
    return this.#cache.stats;
  }

  get piecesInProgress(): number {
    return this.#writer.piecesInProgress;
  }

  /**
   * Writes a block received from a peer (aligned to the block size, exactly one block long;
   * otherwise ShoalError 'protocol'). `done` gets the outcome; for the block that completes a
   * piece, `verified` or `failed` after the hash check. `data` must not change until `done` is
   * called (always later, never from inside this call). Disk errors come as ShoalError
   * 'disk-full' / 'permission-denied' / 'io' naming the file; the block is then not counted,
   * and nothing already verified is touched. A callback, not a promise: it runs for every block.
   */
  writeBlock(piece: number, begin: number, data: Uint8Array, done: BlockDone): void {
    if (this.#closed) {
      queueMicrotask(() => done(closedError()));
      return;
    }
    this.#changes++;
    if (this.#emptyFilesMade) {
      this.#writer.writeBlock(piece, begin, data, done);
      return;
    }
    this.#createEmptyFiles().then(
      () => {
        this.#changes++; // files were made meanwhile
        this.#writer.writeBlock(piece, begin, data, done);
      },
      (err: unknown) => done(err),
    );
  }

  /**
   * Reads `length` bytes at `begin` of a verified piece for a peer, through the read cache. The
   * result is shared with the cache: send it, never modify it. With `holds`, it is valid until
   * `holds.release()` (then its buffer may be reused); without, for good.
   */
  async readBlock(piece: number, begin: number, length: number, holds?: ChunkHolds): Promise<Uint8Array> {
    this.#checkRequest(piece, begin, length);
    const chunk = this.#chunkSize;
    const first = Math.floor(begin / chunk);
    const last = Math.floor((begin + length - 1) / chunk);
    if (first === last) {
      const data = await this.#chunk(piece, first, holds);
      return data.subarray(begin - first * chunk, begin - first * chunk + length);
    }
    // Only a request straddling two cache chunks is copied.
    const out = Buffer.allocUnsafe(length);
    for (let c = first; c <= last; c++) {
      const data = await this.#chunk(piece, c, holds);
      const from = Math.max(begin, c * chunk);
      const to = Math.min(begin + length, c * chunk + data.length);
      data.copy(out, from - begin, from - c * chunk, to - c * chunk);
    }
    return out;
  }

  /**
   * The block as `readBlock` would give it, if it is in the read cache now (in one chunk), held by
   * `holds`; `undefined` if it must be read. Saves a batch of cached blocks their promises.
   */
  cachedBlock(piece: number, begin: number, length: number, holds: ChunkHolds): Uint8Array | undefined {
    this.#checkRequest(piece, begin, length);
    const chunk = this.#chunkSize;
    const index = Math.floor(begin / chunk);
    if (index !== Math.floor((begin + length - 1) / chunk)) return undefined;
    const data = this.#cache.peek(this.layout.pieceOffset(piece) + index * chunk, holds);
    return data?.subarray(begin - index * chunk, begin - index * chunk + length);
  }

  /** A peer's request must be for verified bytes within a piece, and not too long (ShoalError 'protocol'). */
  #checkRequest(piece: number, begin: number, length: number): void {
    this.#open();
    if (!this.have.has(piece)) throw new ShoalError('protocol', `piece ${piece} is not available`);
    const size = this.layout.pieceSize(piece);
    if (!Number.isInteger(begin) || !Number.isInteger(length) || begin < 0 || length <= 0 || length > this.#maxReadLength || begin + length > size) {
      throw new ShoalError('protocol', `a request for ${length} bytes at ${begin} of piece ${piece} is out of range`);
    }
  }

  /**
   * Bytes at torrent offset `offset` into `into`, for a stream: every piece they touch must be
   * verified (ShoalError 'protocol' otherwise). Not through the read cache, which is for peers.
   */
  async readVerified(offset: number, into: Uint8Array): Promise<void> {
    this.#open();
    const { pieceLength, length } = this.layout;
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + into.length > length) throw new ShoalError('protocol', `${into.length} bytes at ${offset} are beyond the torrent`);
    for (let p = Math.floor(offset / pieceLength); p * pieceLength < offset + into.length; p++) {
      if (!this.have.has(p)) throw new ShoalError('protocol', `piece ${p} is not available`);
    }
    await this.#files.read(offset, into);
  }

  /**
   * Piece `piece` as it is on disk now, verified or not, bypassing the read cache: for judging
   * who sent the bad blocks of a piece that failed its hash check.
   */
  async readPiece(piece: number): Promise<Uint8Array> {
    this.#open();
    this.#writer.checkPiece(piece);
    const data = new Uint8Array(this.layout.pieceSize(piece));
    await this.#files.read(this.layout.pieceOffset(piece), data);
    return data;
  }

  /** Reads piece `piece` back from disk and checks its hash; updates `have`. */
  async verifyPiece(piece: number): Promise<boolean> {
    this.#open();
    await this.#writer.idle();
    const ok = await this.#writer.verifyPiece(piece);
    // The cache may hold this piece as it was read before; the disk no longer matches it.
    if (!ok) this.#cache.clear();
    return ok;
  }

  /**
   * Checks everything on disk against the piece hashes and makes the result `have`. Pieces in
   * progress are forgotten (the disk is the truth afterwards).
   */
  async check(onProgress?: CheckProgress, signal?: AbortSignal): Promise<Bitfield> {
    this.#open();
    await this.#writer.idle();
    this.#writer.reset();
    this.#cache.clear();
    // An open handle would still read a file deleted or replaced since.
    await this.#files.closeIdleHandles();
    const found = await checkFiles(this.layout, this.#files, this.#hashes, onProgress, signal, undefined, this.#targets);
    for (let i = 0; i < this.have.size; i++) {
      if (found.has(i)) this.have.set(i);
      else this.have.clear(i);
    }
    return found;
  }

  /**
   * Fast resume: trusts `saved` verified pieces in files whose size and mtime still match, and
   * hashes again the pieces touching files that changed. The result becomes `have`.
   */
  async resume(saved: ResumeData, onProgress?: CheckProgress, signal?: AbortSignal): Promise<Bitfield> {
    this.#open();
    await this.#writer.idle();
    this.#writer.reset();
    this.#cache.clear();
    const recheck = piecesToRecheck(this.layout, saved, await stampFiles(this.layout, this.filePaths));
    // Skipped files' bytes may sit in the parts file, which the stamps do not cover.
    await this.#files.markSkippedPieces(recheck);
    const found = await checkFiles(this.layout, this.#files, this.#hashes, onProgress, signal, recheck, this.#targets);
    const trusted = saved.have.length === this.have.bytes.length ? new Bitfield(this.have.size, saved.have) : null;
    for (let i = 0; i < this.have.size; i++) {
      if (found.has(i) || (recheck[i] === 0 && trusted?.has(i))) this.have.set(i);
      else this.have.clear(i);
    }
    return new Bitfield(this.have.size, this.have.bytes);
  }

  /**
   * What fast resume needs later: the verified pieces, then each file's size and mtime. In that
   * order, a piece verified in between lands in a file whose stamp is newer, so it is only ever
   * hashed again, never trusted wrongly.
   */
  async resumeData(): Promise<ResumeData> {
    const have = new Uint8Array(this.have.bytes);
    return { have, files: await this.#fileStamps() };
  }

  /**
   * The files' stamps, taken again only after we changed the files: a thousand idle seeds are
   * not stat'ed at every save, and a file changed behind our back keeps the stamp of our last
   * write, so the next start checks it again. Stamps taken while a write was in flight are not kept.
   */
  async #fileStamps(): Promise<(FileStamp | null)[]> {
    if (this.#stamps !== null && this.#stamps.changes === this.#changes) return this.#stamps.files;
    const changes = this.#changes;
    const calm = !this.#writer.writing;
    const files = await stampFiles(this.layout, this.filePaths);
    if (calm && !this.#writer.writing && changes === this.#changes) this.#stamps = { changes, files };
    return files;
  }

  /**
   * Skips exactly `files` (indexes into the torrent's files): they are never created or written,
   * their bytes in pieces shared with wanted files go to the parts file. Waits for the reads and
   * writes in flight and moves bytes as `TorrentFiles.setSkipped` says.
   */
  async setSkippedFiles(files: Iterable<number>): Promise<void> {
    this.#open();
    this.#changes++;
    await this.#files.setSkipped(new Set(files));
    this.#changes++;
    // A zero-length file wanted again is created with the next write or at the end.
    this.#emptyFiles = undefined;
    this.#emptyFilesMade = false;
  }

  /**
   * Call once all pieces are verified: creates empty files and cuts over-long leftovers to size.
   * Then closes the handles not in use: a seed opens its files again when a peer asks, so
   * thousands of idle seeds hold no file descriptors.
   */
  async finish(): Promise<void> {
    this.#open();
    this.#changes++;
    await this.#writer.idle();
    await this.#createEmptyFiles();
    await this.#files.truncateToSize();
    this.#changes++;
    await this.#files.closeIdleHandles();
  }

  /** Waits for writes in flight, then closes every file. The storage is unusable afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writer.idle();
    this.#cache.clear();
    await this.#files.close();
  }

  #chunk(piece: number, index: number, holds: ChunkHolds | undefined): Promise<Buffer> {
    const offset = this.layout.pieceOffset(piece) + index * this.#chunkSize;
    const size = Math.min(this.#chunkSize, this.layout.pieceSize(piece) - index * this.#chunkSize);
    return this.#cache.get(offset, size, async (into) => {
      await this.#files.read(offset, into);
      this.pieceCached?.(piece);
    }, holds);
  }

  #createEmptyFiles(): Promise<void> {
    if (this.#emptyFiles) return this.#emptyFiles;
    const making: Promise<void> = this.#files.createEmptyFiles().then(
      () => {
        // Unless files were skipped or wanted again meanwhile, which asks for a new round.
        if (this.#emptyFiles === making) this.#emptyFilesMade = true;
      },
      (err: unknown) => {
        if (this.#emptyFiles === making) this.#emptyFiles = undefined;
        throw err;
      },
    );
    this.#emptyFiles = making;
    return making;
  }

  #open(): void {
    if (this.#closed) throw closedError();
  }
}

function closedError(): ShoalError {
  return new ShoalError('internal', 'the torrent storage is closed');
}
