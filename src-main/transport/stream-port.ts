import type { MessagePort } from 'node:worker_threads';
import * as z from 'zod';
import { errorCodes, fromWireError, ShoalError } from '../../src-shared/errors';
import type { StreamFile, StreamSource } from '../engine/stream/stream-source';

/*
 * Streams between the engine worker and the host's HTTP server, on a port of their own beside the
 * contract's: a read's bytes cross by transfer, not by copy, and never through the UI's schemas.
 * The host pulls one read at a time per response, so what crosses is bounded by what the sockets
 * take.
 */

const handle = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
const requestSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('open'),
    id: z.int(),
    target: z.union([z.object({ infoHash: z.string().max(64), fileIndex: z.int().min(0) }), z.object({ capability: z.string().max(100) })]),
  }),
  z.object({ op: z.literal('read'), id: z.int(), handle, offset: z.int().min(0), length: z.int().min(1) }),
  z.object({ op: z.literal('abort'), id: z.int() }),
  z.object({ op: z.literal('close'), handle }),
]);
type Request = z.infer<typeof requestSchema>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

type Reply =
  | { readonly id: number; readonly ok: true; readonly file: StreamFile }
  | { readonly id: number; readonly ok: true; readonly bytes: Uint8Array }
  | { readonly id: number; readonly ok: false; readonly error: { readonly code: (typeof errorCodes)[number]; readonly message: string } };

/** Reads one port may have waiting at once; a host pulls one per response, so this is only a bound. */
const MAX_READS = 256;

/** The worker's side: answers the host's stream requests from `source`. Returns a function that stops. */
export function serveStreamsOnPort(source: StreamSource, port: MessagePort): () => void {
  const reads = new Map<number, AbortController>();
  const reply = (message: Reply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  const fail = (id: number, err: unknown): void => {
    const error = err instanceof ShoalError ? { code: err.code, message: err.message } : { code: 'internal' as const, message: 'the stream failed' };
    reply({ id, ok: false, error });
  };
  const onMessage = (raw: unknown): void => {
    const parsed = requestSchema.safeParse(raw);
    if (!parsed.success) return;
    const request = parsed.data;
    switch (request.op) {
      case 'open':
        source.open(request.target).then((file) => reply({ id: request.id, ok: true, file }), (err: unknown) => fail(request.id, err));
        return;
      case 'read': {
        if (reads.size >= MAX_READS) return fail(request.id, new ShoalError('network', 'too many reads are waiting'));
        const abort = new AbortController();
        reads.set(request.id, abort);
        source
          .read(request.handle, request.offset, request.length, abort.signal)
          .then(
            (bytes) => {
              // A view on part of a larger buffer is copied; a buffer of its own is handed over.
              const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
              reply({ id: request.id, ok: true, bytes: own }, [own.buffer as ArrayBuffer]);
            },
            (err: unknown) => fail(request.id, err),
          )
          .finally(() => reads.delete(request.id));
        return;
      }
      case 'abort':
        reads.get(request.id)?.abort();
        return;
      case 'close':
        source.close(request.handle);
    }
  };
  port.on('message', onMessage);
  return () => {
    port.off('message', onMessage);
    for (const abort of reads.values()) abort.abort();
  };
}

/** The host's side: a StreamSource whose calls go to the worker. `disconnect` fails whatever still waits. */
export function connectStreamPort(port: MessagePort): StreamSource & { disconnect(): void } {
  const waiting = new Map<number, { resolve(value: Reply): void; reject(err: Error): void }>();
  let nextId = 1;
  let closed = false;
  const failAll = (): void => {
    closed = true;
    for (const w of waiting.values()) w.reject(new ShoalError('internal', 'the engine stopped'));
    waiting.clear();
  };
  port.on('message', (message: Reply) => {
    const w = waiting.get(message.id);
    if (!w) return;
    waiting.delete(message.id);
    w.resolve(message);
  });
  port.on('close', failAll);
  const call = async (request: DistributiveOmit<Request, 'id'>, signal?: AbortSignal): Promise<Reply & { ok: true }> => {
    if (closed) throw new ShoalError('internal', 'the engine stopped');
    const id = nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      port.postMessage({ ...request, id });
      signal?.addEventListener('abort', () => port.postMessage({ op: 'abort', id }), { once: true });
    });
    if (!reply.ok) throw fromWireError(reply.error);
    return reply;
  };
  return {
    async open(target) {
      const reply = await call({ op: 'open', target });
      if (!('file' in reply)) throw new ShoalError('internal', 'the engine answered an open with bytes');
      return reply.file;
    },
    async read(handle, offset, length, signal) {
      const reply = await call({ op: 'read', handle, offset, length }, signal);
      if (!('bytes' in reply)) throw new ShoalError('internal', 'the engine answered a read without bytes');
      return reply.bytes;
    },
    close(handle) {
      if (!closed) port.postMessage({ op: 'close', handle });
    },
    disconnect() {
      failAll();
      port.close();
    },
  };
}
