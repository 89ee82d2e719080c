// The body of a piece-hashing worker thread. It is started from its source text (`eval`), so the
// bundled CLI needs no extra file: the function must use nothing from outside its own body.

/** What a worker is started with. */
export interface HashWorkerData {
  readonly files: readonly { readonly absolute: string; readonly length: number }[];
  readonly pieceLength: number;
}

/** Asks a worker for the hashes of pieces `first` to `first + count - 1`. */
export interface HashJob {
  readonly first: number;
  readonly count: number;
}

export type HashResult =
  | { readonly first: number; readonly hashes: Uint8Array }
  | { readonly first: number; readonly error: { readonly code: string; readonly path: string } };

export function pieceHashWorker(): void {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
  const { openSync, readSync, closeSync } = process.getBuiltinModule('node:fs');
  const { createHash } = process.getBuiltinModule('node:crypto');
  const { files, pieceLength } = workerData as HashWorkerData;
  // Small reads keep each chunk in the CPU cache between the kernel's copy and SHA-1 reading it;
  // big buffers made both go to memory and ran at a third of the speed.
  const chunk = Buffer.allocUnsafe(128 * 1024);
  const offsets: number[] = [];
  let total = 0;
  for (const file of files) {
    offsets.push(total);
    total += file.length;
  }
  // The file being read, named in errors.
  let current = '';

  // The last file whose offset is at or before `position`; empty files are skipped while reading.
  const fileAt = (position: number): number => {
    let lo = 0;
    let hi = files.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid]! <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  const hashJob = ({ first, count }: HashJob): Uint8Array => {
    const out = new Uint8Array(20 * count);
    let position = first * pieceLength;
    const end = Math.min(total, (first + count) * pieceLength);
    let pieceEnd = Math.min(position + pieceLength, end);
    let index = fileAt(position);
    let hash = createHash('sha1');
    let done = 0;
    // Closed after every job: descriptors belong to the process and outlive a terminated worker.
    let openIndex = -1;
    let fd = -1;
    const close = (): void => {
      if (fd >= 0) closeSync(fd);
      fd = -1;
      openIndex = -1;
    };
    try {
      while (position < end) {
        const file = files[index]!;
        const fileEnd = offsets[index]! + file.length;
        if (position >= fileEnd) {
          index++;
          continue;
        }
        current = file.absolute;
        if (openIndex !== index) {
          close();
          fd = openSync(file.absolute, 'r');
          openIndex = index;
        }
        const want = Math.min(chunk.length, fileEnd - position, pieceEnd - position);
        const read = readSync(fd, chunk, 0, want, position - offsets[index]!);
        if (read === 0) throw Object.assign(new Error('file shrank'), { code: 'SHRANK' });
        hash.update(chunk.subarray(0, read));
        position += read;
        if (position === pieceEnd) {
          out.set(hash.digest(), 20 * done++);
          hash = createHash('sha1');
          pieceEnd = Math.min(position + pieceLength, end);
        }
      }
    } finally {
      close();
    }
    return out;
  };

  parentPort!.on('message', (job: HashJob) => {
    let result: HashResult;
    try {
      const hashes = hashJob(job);
      result = { first: job.first, hashes };
      parentPort!.postMessage(result, [hashes.buffer as ArrayBuffer]);
    } catch (err) {
      result = { first: job.first, error: { code: (err as { code?: string }).code ?? 'EIO', path: current } };
      parentPort!.postMessage(result);
    }
  });
}
