import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ShoalError } from '../../../src-shared/errors';
import { trackerUnreachable } from './unreachable';

/** As many as browsers and fetch follow. */
const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface TrackerGetOptions {
  /** The whole exchange, redirects included, connect to last byte. */
  readonly timeoutMs: number;
  /** Larger bodies are refused, declared or streamed. */
  readonly maxBytes: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * One tracker GET over node:http(s), following redirects, bounded in time and size; resolves with
 * a 2xx reply's body. Not fetch: its parser is WebAssembly, which costs a process ~40 MiB of peak
 * memory and ~0.1 s of CPU to compile for the first announce, more than a download's whole
 * allowance. Every failure is a ShoalError whose sentence says what happened.
 */
export function trackerGet(url: string, o: TrackerGetOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let current: ClientRequest | undefined;
    let settled = false;
    const finish = (error: ShoalError | undefined, body?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      current?.destroy();
      if (error) reject(error);
      else resolve(body!);
    };
    const timer = setTimeout(() => finish(new ShoalError('network', `The tracker did not answer within ${Math.round(o.timeoutMs / 1000)} s.`)), o.timeoutMs);
    const onAbort = () => finish(new ShoalError('network', 'The tracker request was cancelled.'));
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort);

    const get = (target: URL, redirects: number): void => {
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        return finish(new ShoalError('network', `The tracker redirected to a ${target.protocol} address, which is not HTTP.`));
      }
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(target, { headers: { 'accept-encoding': 'identity', connection: 'close' }, agent: false });
      current = req;
      req.on('error', (err: NodeJS.ErrnoException) => finish(trackerUnreachable(err.code ?? err.message)));
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (REDIRECTS.has(status) && location !== undefined) {
          res.resume();
          if (redirects >= MAX_REDIRECTS) {
            return finish(
              new ShoalError('network', "The tracker redirects in a loop (more than 20 redirects); its address may be out of date: check it with the torrent's source or remove it."),
            );
          }
          let next: URL;
          try {
            next = new URL(location, target);
          } catch {
            return finish(new ShoalError('protocol', 'The tracker redirected to an address that is not a URL.'));
          }
          req.destroy();
          return get(next, redirects + 1);
        }
        if (status < 200 || status > 299) return finish(new ShoalError('network', `The tracker answered HTTP ${status}.`));
        const tooLarge = () => new ShoalError('protocol', `The tracker sent a reply larger than ${o.maxBytes} bytes.`);
        if (Number(res.headers['content-length'] ?? 0) > o.maxBytes) return finish(tooLarge());
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > o.maxBytes) return finish(tooLarge());
          chunks.push(chunk);
        });
        res.on('end', () => finish(undefined, Buffer.concat(chunks, total)));
        res.on('error', (err: NodeJS.ErrnoException) => finish(trackerUnreachable(err.code ?? err.message)));
      });
      req.end();
    };

    let first: URL;
    try {
      first = new URL(url);
    } catch {
      return finish(new ShoalError('invalid-input', `The tracker address is not a URL: ${url}`));
    }
    get(first, 0);
  });
}
