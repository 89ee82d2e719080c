// The body of a piece-hashing worker thread. It is started from its source text (`eval`), so the
// bundled CLI needs no extra file: the function must use nothing from outside its own body.

/** What a worker is started with. */
export interface HashWorkerData {
  /**
   * The files in torrent order. `fd`: already opened by the engine (a recheck opens them safely
   * inside the save folder); the worker reads it and never closes it. `pad`: BEP 47 padding, zeros
   * never read from disk.
   */
  readonly files: readonly { readonly absolute: string; readonly length: number; readonly fd?: number; readonly pad?: boolean }[];
  readonly pieceLength: number;
  /**
   * v1: pieces run through the files' concatenation (SHA-1 each). v2 / hybrid: each non-empty
   * file starts a piece (BEP 52), its 16 KiB blocks are SHA-256 leaves, and for a hybrid the
   * SHA-1 of each piece also covers the zero pad after each file's last piece (multi-file only).
   */
  readonly layout: 'v1' | 'v2' | 'hybrid';
}

/** Asks a worker for the hashes of pieces `first` to `first + count - 1`. */
export interface HashJob {
  readonly first: number;
  readonly count: number;
}

export type HashResult =
  | {
      readonly first: number;
      /** 20-byte SHA-1s of the pieces (v1 and hybrid; empty for v2). */
      readonly hashes: Uint8Array;
      /** v2 and hybrid: the 32-byte SHA-256 leaf hashes of the pieces' data, in order. */
      readonly leaves: Uint8Array;
      /** Bytes of file data read (pad bytes not counted). */
      readonly bytes: number;
    }
  | { readonly first: number; readonly error: { readonly code: string; readonly path: string } };

export type JobResult = Extract<HashResult, { hashes: Uint8Array }>;

export function pieceHashWorker(): void {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
  const { openSync, readSync, closeSync } = process.getBuiltinModule('node:fs');
  const { createHash, hash } = process.getBuiltinModule('node:crypto');
  const { files, pieceLength, layout } = workerData as HashWorkerData;
  const leafBytes = 16 * 1024;
  // Small reads keep each chunk in the CPU cache between the kernel's copy and the hash reading
  // it; big buffers made both go to memory and ran at a third of the speed. A multiple of 16 KiB,
  // so v2 leaves never straddle two reads.
  const chunk = Buffer.allocUnsafe(128 * 1024);
  const zeros = Buffer.alloc(chunk.length);
  // v1: each file's first byte in the stream. v2/hybrid: each file's first piece.
  const starts: number[] = [];
  let total = 0;
  for (const file of files) {
    starts.push(total);
    total += layout === 'v1' ? file.length : Math.ceil(file.length / pieceLength);
  }
  // The file being read, named in errors.
  let current = '';
  // Closed after every job: descriptors belong to the process and outlive a terminated worker.
  let openIndex = -1;
  let fd = -1;
  const close = (): void => {
    if (fd >= 0) closeSync(fd);
    fd = -1;
    openIndex = -1;
  };
  const read = (index: number, want: number, position: number): number => {
    const file = files[index]!;
    current = file.absolute;
    if (file.pad) {
      chunk.fill(0, 0, want);
      return want;
    }
    if (file.fd === undefined && openIndex !== index) {
      close();
      fd = openSync(file.absolute, 'r');
      openIndex = index;
    }
    const got = readSync(file.fd ?? fd, chunk, 0, want, position);
    if (got === 0) throw Object.assign(new Error('file shrank'), { code: 'SHRANK' });
    return got;
  };

  // The last file whose start is at or before `at`; files with nothing there are skipped by callers.
  const fileAt = (at: number): number => {
    let lo = 0;
    let hi = files.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  const streamJob = ({ first, count }: HashJob): JobResult => {
    const out = new Uint8Array(20 * count);
    let position = first * pieceLength;
    const end = Math.min(total, (first + count) * pieceLength);
    let pieceEnd = Math.min(position + pieceLength, end);
    let index = fileAt(position);
    let sha1 = createHash('sha1');
    let done = 0;
    const bytes = end - position;
    while (position < end) {
      const fileEnd = starts[index]! + files[index]!.length;
      if (position >= fileEnd) {
        index++;
        continue;
      }
      const got = read(index, Math.min(chunk.length, fileEnd - position, pieceEnd - position), position - starts[index]!);
      sha1.update(chunk.subarray(0, got));
      position += got;
      if (position === pieceEnd) {
        out.set(sha1.digest(), 20 * done++);
        sha1 = createHash('sha1');
        pieceEnd = Math.min(position + pieceLength, end);
      }
    }
    return { first, hashes: out, leaves: new Uint8Array(0), bytes };
  };

  const alignedJob = ({ first, count }: HashJob): JobResult => {
    const hybrid = layout === 'hybrid';
    const out = new Uint8Array(hybrid ? 20 * count : 0);
    const leafParts: Uint8Array[] = [];
    let bytes = 0;
    let index = fileAt(first);
    for (let piece = first; piece < first + count; piece++) {
      // Empty files have no pieces: the piece belongs to the next file that starts at or before it.
      while (index + 1 < files.length && starts[index + 1]! <= piece) index++;
      const offset = (piece - starts[index]!) * pieceLength;
      const end = Math.min(offset + pieceLength, files[index]!.length);
      const sha1 = hybrid ? createHash('sha1') : undefined;
      for (let position = offset; position < end; ) {
        const got = read(index, Math.min(chunk.length, end - position), position);
        const data = chunk.subarray(0, got);
        sha1?.update(data);
        for (let at = 0; at < got; at += leafBytes) leafParts.push(hash('sha256', data.subarray(at, at + leafBytes), 'buffer'));
        position += got;
      }
      bytes += end - offset;
      if (sha1) {
        // A hybrid's pad file fills the rest of each file's last piece with zeros; a single file has none.
        if (files.length > 1) {
          for (let pad = pieceLength - (end - offset); pad > 0; pad -= zeros.length) sha1.update(zeros.subarray(0, Math.min(pad, zeros.length)));
        }
        out.set(sha1.digest(), 20 * (piece - first));
      }
    }
    // A fresh buffer, never a slice of Node's shared pool: it is transferred to the parent.
    const leaves = new Uint8Array(32 * leafParts.length);
    leafParts.forEach((leaf, i) => leaves.set(leaf, 32 * i));
    return { first, hashes: out, leaves, bytes };
  };

  parentPort!.on('message', (job: HashJob) => {
    try {
      const result = layout === 'v1' ? streamJob(job) : alignedJob(job);
      parentPort!.postMessage(result, [result.hashes.buffer as ArrayBuffer, result.leaves.buffer as ArrayBuffer]);
    } catch (err) {
      const failed: HashResult = { first: job.first, error: { code: (err as { code?: string }).code ?? 'EIO', path: current } };
      parentPort!.postMessage(failed);
    } finally {
      close();
    }
  });
}
