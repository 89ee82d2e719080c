import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { checkRangeResponse, isRedirect, redirectTarget, WebSeedError } from './range-response';

/** What the download speed limit looks like to a body reader (a `BandwidthGate`). */
export interface ReadGate {
  consume(bytes: number): boolean;
  wait(resume: () => void): void;
  cancel(resume: () => void): void;
}

export interface RangeFetchOptions {
  readonly url: URL;
  /** First byte within the file. */
  readonly start: number;
  readonly length: number;
  readonly agents: { readonly http: http.Agent; readonly https: https.Agent };
  readonly signal: AbortSignal;
  /** Longest silence (connecting, waiting for the head, between body chunks). */
  readonly idleTimeoutMs: number;
  readonly maxRedirects: number;
  readonly gate?: ReadGate;
  /** Body bytes in order; never more than `length` in all. */
  onData(chunk: Buffer): void;
}

/**
 * One HTTP(S) range request, redirects followed (bounded, http and https only). Resolves once
 * exactly `length` bytes were handed to `onData`; rejects with a `WebSeedError` saying why
 * otherwise. A body longer than asked, a wrong range or a stalled server is cut off at once, so
 * nothing a server sends makes memory grow.
 */
export async function fetchRange(o: RangeFetchOptions): Promise<void> {
  let url = o.url;
  for (let hops = 0; ; hops++) {
    // Why we cut the connection ourselves, which the socket's own error would hide.
    const cut: Cut = {};
    const res = await head(url, o, cut);
    if (isRedirect(res.statusCode ?? 0)) {
      res.destroy();
      if (hops >= o.maxRedirects) throw new WebSeedError(`more than ${o.maxRedirects} redirects`);
      url = redirectTarget(url, res.headers.location);
      continue;
    }
    try {
      checkRangeResponse(res.statusCode ?? 0, res.headers, o.start, o.length);
    } catch (err) {
      res.destroy();
      throw err;
    }
    await body(res, o, cut);
    return;
  }
}

interface Cut {
  reason?: WebSeedError;
}

function head(url: URL, o: RangeFetchOptions, cut: Cut): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const request = secure ? https.request : http.request;
    const req = request(url, {
      agent: secure ? o.agents.https : o.agents.http,
      headers: { range: `bytes=${o.start}-${o.start + o.length - 1}`, 'user-agent': 'Shoal/0.1.0', 'accept-encoding': 'identity' },
      signal: o.signal,
    });
    req.setTimeout(o.idleTimeoutMs, () => {
      cut.reason = new WebSeedError(`sent nothing for ${Math.max(1, Math.round(o.idleTimeoutMs / 1000))} s`);
      req.destroy(cut.reason);
    });
    req.once('response', resolve);
    req.once('error', (err) => reject(cut.reason ?? asWebSeedError(err, o.signal)));
    req.end();
  });
}

function body(res: IncomingMessage, o: RangeFetchOptions, cut: Cut): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let settled = false;
    const resume = (): void => {
      res.socket?.setTimeout(o.idleTimeoutMs);
      res.resume();
    };
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      o.gate?.cancel(resume);
      res.destroy();
      reject(cut.reason ?? asWebSeedError(err, o.signal));
    };
    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (received > o.length) {
        fail(new WebSeedError(`sent more than the ${o.length} bytes asked for`));
        return;
      }
      o.onData(chunk);
      if (o.gate && !o.gate.consume(chunk.length)) {
        // Waiting on our own speed limit is not the server's silence.
        res.socket?.setTimeout(0);
        res.pause();
        o.gate.wait(resume);
      }
    });
    res.once('end', () => {
      if (received < o.length) fail(new WebSeedError(`ended after ${received} of ${o.length} bytes`));
      else if (!settled) {
        settled = true;
        resolve();
      }
    });
    res.once('error', fail);
    res.once('close', () => fail(new WebSeedError(`closed the connection after ${received} of ${o.length} bytes`)));
  });
}

function asWebSeedError(err: Error, signal: AbortSignal): Error {
  if (err instanceof WebSeedError || signal.aborted) return err;
  return new WebSeedError((err as NodeJS.ErrnoException).code ?? err.message);
}
