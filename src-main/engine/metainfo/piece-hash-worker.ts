// The body of a piece-hashing worker thread. It is started from its source text (`eval`), so the
// bundled CLI needs no extra file: the function must use nothing from outside its own body.

/** The files a worker's jobs read, and how their pieces are laid out. */
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
   * file starts a piece (BEP 52) and pad files own none; a file's 16 KiB blocks are SHA-256
   * leaves, and for a hybrid the SHA-1 of each piece runs through the files and pads as listed,
   * so a file's last piece covers the pad after it (pads must fill exactly to the next piece).
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
      /**
       * v2 and hybrid: a 32-byte Merkle node per piece, what BEP 52 checks it against: the root of
       * the piece's subtree for a file longer than a piece (its piece-layer entry), else the file's
       * root. Folded here so the leaves never cross threads.
       */
      readonly nodes: Uint8Array;
      /** Bytes of file data read (pad bytes not counted). */
      readonly bytes: number;
    }
  | { readonly first: number; readonly error: { readonly code: string; readonly path: string } };

export type JobResult = Extract<HashResult, { hashes: Uint8Array }>;

/** What a worker is sent: the files the next jobs read (one table at a time), or a job. */
export type HashMessage = { readonly table: HashWorkerData } | HashJob;

export function pieceHashWorker(): void {
  const { parentPort } = process.getBuiltinModule('node:worker_threads');
  const { openSync, readSync, closeSync } = process.getBuiltinModule('node:fs');
  const { createHash, hash } = process.getBuiltinModule('node:crypto');
  let files: HashWorkerData['files'] = [];
  let pieceLength = 0;
  let layout: HashWorkerData['layout'] = 'v1';
  const leafBytes = 16 * 1024;
  // Small reads keep each chunk in the CPU cache between the kernel's copy and the hash reading
  // it: reading and SHA-1 of 1 GiB on one core took 0.62 CPU s with 128 KiB to 1 MiB reads and
  // 0.64 with 4 MiB (medians of 5; openssl dgst 0.65). A multiple of 16 KiB, so v2 leaves never
  // straddle two reads.
  const chunk = Buffer.allocUnsafe(128 * 1024);
  const zeroChunk = Buffer.alloc(chunk.length);
  // v1: each file's first byte in the stream. v2/hybrid: each file's first piece (pads own none).
  let starts: number[] = [];
  let total = 0;
  // v2/hybrid: the bytes of the v1 stream, pads included: a hybrid piece's SHA-1 ends there.
  let streamBytes = 0;
  const setTable = (table: HashWorkerData): void => {
    ({ files, pieceLength, layout } = table);
    starts = [];
    total = 0;
    streamBytes = 0;
    for (const file of files) {
      starts.push(total);
      total += layout === 'v1' ? file.length : file.pad ? 0 : Math.ceil(file.length / pieceLength);
      streamBytes += file.length;
    }
  };
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
  // Fills `chunk` with `want` bytes of file `index` from `position`.
  const read = (index: number, want: number, position: number): Buffer => {
    const file = files[index]!;
    current = file.absolute;
    if (file.pad) return chunk.fill(0, 0, want).subarray(0, want);
    if (file.fd === undefined && openIndex !== index) {
      close();
      fd = openSync(file.absolute, 'r');
      openIndex = index;
    }
    for (let filled = 0; filled < want; ) {
      const got = readSync(file.fd ?? fd, chunk, filled, want - filled, position + filled);
      if (got === 0) throw Object.assign(new Error('file shrank'), { code: 'SHRANK' });
      filled += got;
    }
    return chunk.subarray(0, want);
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
      const data = read(index, Math.min(chunk.length, fileEnd - position, pieceEnd - position), position - starts[index]!);
      sha1.update(data);
      position += data.length;
      if (position === pieceEnd) {
        out.set(sha1.digest(), 20 * done++);
        sha1 = createHash('sha1');
        pieceEnd = Math.min(position + pieceLength, end);
      }
    }
    return { first, hashes: out, nodes: new Uint8Array(0), bytes };
  };

  // BEP 52 pads a tree with zero leaves; the hash standing for an all-zero subtree, by height.
  const pads = [Buffer.alloc(32)];
  const pair = Buffer.allocUnsafe(64);
  const padAt = (height: number): Buffer => {
    while (pads.length <= height) {
      const below = pads[pads.length - 1]!;
      pads.push(hash('sha256', Buffer.concat([below, below]), 'buffer'));
    }
    return pads[height]!;
  };
  // The root of `layer` (leaf hashes) padded to `width` leaves, a power of two.
  const fold = (layer: Buffer[], width: number): Buffer => {
    let height = 0;
    for (; width > 1; width /= 2, height++) {
      const up: Buffer[] = [];
      for (let i = 0; i < layer.length; i += 2) {
        pair.set(layer[i]!, 0);
        pair.set(layer[i + 1] ?? padAt(height), 32);
        up.push(hash('sha256', pair, 'buffer'));
      }
      layer = up;
    }
    return layer[0] ?? padAt(height);
  };

  const alignedJob = ({ first, count }: HashJob): JobResult => {
    const hybrid = layout === 'hybrid';
    const out = new Uint8Array(hybrid ? 20 * count : 0);
    const nodes = new Uint8Array(32 * count);
    let bytes = 0;
    let index = fileAt(first);
    for (let piece = first; piece < first + count; piece++) {
      // Empty files and pads own no pieces: the piece belongs to the last file starting at or before it.
      while (index + 1 < files.length && starts[index + 1]! <= piece) index++;
      const length = files[index]!.length;
      const offset = (piece - starts[index]!) * pieceLength;
      const end = Math.min(offset + pieceLength, length);
      const sha1 = hybrid ? createHash('sha1') : undefined;
      const leaves: Buffer[] = [];
      for (let position = offset; position < end; ) {
        const data = read(index, Math.min(chunk.length, end - position), position);
        sha1?.update(data);
        for (let at = 0; at < data.length; at += leafBytes) leaves.push(hash('sha256', data.subarray(at, at + leafBytes), 'buffer'));
        position += data.length;
      }
      bytes += end - offset;
      // A file of one piece or less is checked against its root: its tree spans its own leaves.
      let width = pieceLength / leafBytes;
      if (length <= pieceLength) for (width = 1; width < leaves.length; ) width *= 2;
      nodes.set(fold(leaves, width), 32 * (piece - first));
      if (sha1) {
        // The pad after a file's last piece is zeros up to the piece's end in the v1 stream.
        const zeros = Math.min(pieceLength, streamBytes - piece * pieceLength) - (end - offset);
        for (let pad = zeros; pad > 0; pad -= zeroChunk.length) sha1.update(zeroChunk.subarray(0, Math.min(pad, zeroChunk.length)));
        out.set(sha1.digest(), 20 * (piece - first));
      }
    }
    return { first, hashes: out, nodes, bytes };
  };

  parentPort!.on('message', (message: HashMessage) => {
    if ('table' in message) {
      setTable(message.table);
      return;
    }
    const job = message;
    try {
      const result = layout === 'v1' ? streamJob(job) : alignedJob(job);
      parentPort!.postMessage(result, [result.hashes.buffer as ArrayBuffer, result.nodes.buffer as ArrayBuffer]);
    } catch (err) {
      const failed: HashResult = { first: job.first, error: { code: (err as { code?: string }).code ?? 'EIO', path: current } };
      parentPort!.postMessage(failed);
    } finally {
      close();
    }
  });
}
