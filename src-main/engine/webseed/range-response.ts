import type { IncomingHttpHeaders } from 'node:http';

/** Why a web seed's answer was refused; the sentence is shown in the Trackers tab. */
export class WebSeedError extends Error {
  /** The server asked us to wait this long (Retry-After on a 503 or 429). */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}

/** Longest Retry-After honoured: a server cannot park a web seed for days. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function isRedirect(status: number): boolean {
  return REDIRECTS.has(status);
}

/**
 * Where a redirect goes, resolved against the URL that answered; only to http or https, so a
 * web seed can never point us at a local file or another scheme.
 */
export function redirectTarget(from: URL, location: string | undefined): URL {
  if (!location) throw new WebSeedError('redirected without a Location');
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new WebSeedError('redirected to something that is not a URL');
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new WebSeedError(`redirected to a ${next.protocol} URL, which is refused`);
  return next;
}

/**
 * Checks the head of an answer to `Range: bytes=start-(start+length-1)`: a 206 whose
 * Content-Range names exactly those bytes, or a 200 only when those bytes are the whole file.
 * Anything else is refused before a byte of the body is read.
 */
export function checkRangeResponse(status: number, headers: IncomingHttpHeaders, start: number, length: number): void {
  const declared = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  if (status === 206) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(headers['content-range']?.trim() ?? '');
    if (!m) throw new WebSeedError(`answered 206 without a usable Content-Range ("${(headers['content-range'] ?? '').slice(0, 80)}")`);
    const first = Number(m[1]);
    const last = Number(m[2]);
    if (first !== start || last !== start + length - 1) throw new WebSeedError(`sent bytes ${first}-${last} when asked for ${start}-${start + length - 1}`);
    if (declared !== undefined && declared !== length) throw new WebSeedError(`declared ${declared} bytes for a range of ${length}`);
    return;
  }
  if (status === 200) {
    // A server without range support sends the whole file: fine only if the whole file is what we asked for.
    if (start === 0 && declared === length) return;
    throw new WebSeedError('answered 200 (the whole file) to a range request');
  }
  throw new WebSeedError(`answered HTTP ${status}`, status === 503 || status === 429 ? retryAfter(headers['retry-after']) : undefined);
}

/** Retry-After in seconds (the HTTP-date form is rare from mirrors and is ignored), capped. */
function retryAfter(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value.trim())) return undefined;
  return Math.min(Number(value.trim()) * 1000, MAX_RETRY_AFTER_MS);
}
