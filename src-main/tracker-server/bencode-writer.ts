/**
 * Builds the tracker's few bencoded replies directly as bytes: no intermediate objects, and the
 * dictionary keys are written in the sorted order bencode requires.
 */

export type BValue = number | string | Buffer | readonly BValue[] | ReadonlyMap<string | Buffer, BValue>;

/** Encodes numbers (integers), strings (UTF-8), byte buffers, lists and maps (keys sorted here). */
export function bencode(value: BValue): Buffer {
  const chunks: Buffer[] = [];
  write(value, chunks);
  return Buffer.concat(chunks);
}

function write(value: BValue, out: Buffer[]): void {
  if (typeof value === 'number') {
    out.push(Buffer.from(`i${Math.trunc(value)}e`, 'latin1'));
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    out.push(Buffer.from(`${bytes.length}:`, 'latin1'), bytes);
  } else if (Buffer.isBuffer(value)) {
    out.push(Buffer.from(`${value.length}:`, 'latin1'), value);
  } else if (Array.isArray(value)) {
    out.push(Buffer.from('l', 'latin1'));
    for (const item of value as readonly BValue[]) write(item, out);
    out.push(Buffer.from('e', 'latin1'));
  } else {
    const map = value as ReadonlyMap<string | Buffer, BValue>;
    const entries = [...map.entries()].map(([k, v]) => [typeof k === 'string' ? Buffer.from(k, 'utf8') : k, v] as const);
    entries.sort((a, b) => Buffer.compare(a[0], b[0]));
    out.push(Buffer.from('d', 'latin1'));
    for (const [k, v] of entries) {
      write(k, out);
      write(v, out);
    }
    out.push(Buffer.from('e', 'latin1'));
  }
}

/** `d14:failure reason…e`: what a client shows its user when we refuse a request. */
export function failureBody(reason: string): Buffer {
  return bencode(new Map([['failure reason', reason]]));
}
