import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { ShoalError } from '../../../src-shared/errors';
import type { SourceFile } from './file-list';
import { fsError } from './fs-error';

export interface HashOptions {
  /** Called after each buffer with the bytes hashed so far. */
  readonly onProgress?: (hashed: number, total: number) => void;
  readonly signal?: AbortSignal;
}

// Large reads keep system-call overhead negligible next to SHA-1; two buffers of this size are
// all the memory hashing needs.
const targetBufferBytes = 8 * 1024 * 1024;

/**
 * SHA-1 of every piece of the byte stream the files form, concatenated (BEP 3 `pieces`).
 * Reading the next buffer (on libuv's thread pool) overlaps hashing the current one. Buffers hold
 * whole pieces, so each piece is hashed in one call.
 */
export async function hashPieces(files: readonly SourceFile[], pieceLength: number, options: HashOptions = {}): Promise<Uint8Array> {
  const total = files.reduce((sum, f) => sum + f.length, 0);
  const pieceCount = Math.ceil(total / pieceLength);
  const out = new Uint8Array(pieceCount * 20);
  const bufferBytes = Math.max(1, Math.floor(targetBufferBytes / pieceLength)) * pieceLength;
  const buffers = [Buffer.allocUnsafe(Math.min(bufferBytes, total)), Buffer.allocUnsafe(Math.min(bufferBytes, total))];
  const reader = new StreamReader(files);
  let piece = 0;
  let hashed = 0;
  let filling = reader.fill(buffers[0]!);
  try {
    let current = 0;
    while (hashed < total) {
      const filled = await filling;
      options.signal?.throwIfAborted();
      const data = buffers[current]!;
      current ^= 1;
      if (hashed + filled < total) filling = reader.fill(buffers[current]!);
      for (let start = 0; start < filled; start += pieceLength) {
        const digest = createHash('sha1').update(data.subarray(start, Math.min(start + pieceLength, filled))).digest();
        out.set(digest, 20 * piece++);
      }
      hashed += filled;
      options.onProgress?.(hashed, total);
    }
  } finally {
    // An abort can leave a read in flight: let it settle before its file is closed.
    await filling.catch(() => undefined);
    await reader.close();
  }
  return out;
}

/** Reads the files back to back as one stream, each exactly as long as it was listed. */
class StreamReader {
  private index = 0;
  private handle: FileHandle | undefined;
  private position = 0;

  constructor(private readonly files: readonly SourceFile[]) {}

  /** Fills `buffer` completely unless the stream ends first; returns the bytes read. */
  async fill(buffer: Buffer): Promise<number> {
    let filled = 0;
    while (filled < buffer.length && this.index < this.files.length) {
      const file = this.files[this.index]!;
      const want = Math.min(buffer.length - filled, file.length - this.position);
      if (want === 0) {
        await this.close();
        this.index++;
        this.position = 0;
        continue;
      }
      try {
        this.handle ??= await open(file.absolute, 'r');
        const { bytesRead } = await this.handle.read(buffer, filled, want, this.position);
        if (bytesRead === 0) {
          throw new ShoalError('io', `'${file.absolute}' became shorter while it was being hashed.`);
        }
        filled += bytesRead;
        this.position += bytesRead;
      } catch (err) {
        throw err instanceof ShoalError ? err : fsError(err, file.absolute);
      }
    }
    return filled;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}
