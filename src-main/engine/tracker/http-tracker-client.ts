import { isIP } from 'node:net';
import { ShoalError } from '../../../src-shared/errors';
import { decodeCompactPeers } from '../net/compact-peers';
import { asBytes, asInt, bdecode, binaryKey, BencodeError, isDict, type BDict, type BencodeErrorReason, type BencodeLimits, type BValue } from '../bencode';
import { maxPeersPerReply, type AnnounceReply, type AnnounceRequest, type ScrapeReply, type TrackerClient } from './tracker-types';
import type { PeerAddress } from '../net/peer-address';
import { trackerGet } from './tracker-get';

export interface HttpTrackerOptions {
  /** Whole request, connect to last byte (default 15 s). */
  readonly timeoutMs?: number;
  /** Larger replies are refused (default 1 MiB). */
  readonly maxReplyBytes?: number;
}

/** BEP 3 announce and the announce→scrape URL convention, over node:http(s) (see `trackerGet`). */
export class HttpTrackerClient implements TrackerClient {
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #maxReplyBytes: number;

  constructor(url: string, options: HttpTrackerOptions = {}) {
    this.#url = url;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#maxReplyBytes = options.maxReplyBytes ?? 1 << 20;
  }

  async announce(request: AnnounceRequest, signal?: AbortSignal): Promise<AnnounceReply> {
    const params = [
      `info_hash=${escapeBytes(request.infoHash)}`,
      `peer_id=${escapeBytes(request.peerId)}`,
      `port=${request.port}`,
      `uploaded=${request.uploaded}`,
      `downloaded=${request.downloaded}`,
      `left=${request.left}`,
      'compact=1',
      `numwant=${request.numwant}`,
      `key=${(request.key >>> 0).toString(16)}`,
    ];
    if (request.event !== 'none') params.push(`event=${request.event}`);
    if (request.trackerId !== undefined) params.push(`trackerid=${encodeURIComponent(request.trackerId)}`);
    if (request.ipv6 !== undefined) params.push(`ipv6=${encodeURIComponent(request.ipv6)}`);
    const reply = await this.#get(withQuery(this.#url, params.join('&')), signal);
    return parseAnnounceReply(reply);
  }

  async scrape(infoHash: Uint8Array, signal?: AbortSignal): Promise<ScrapeReply> {
    const url = scrapeUrlFor(this.#url);
    if (url === undefined) throw new ShoalError('protocol', 'This tracker does not support scrape (its URL does not end in /announce).');
    const reply = await this.#get(withQuery(url, `info_hash=${escapeBytes(infoHash)}`), signal);
    return parseScrapeReply(reply, infoHash);
  }

  async #get(url: string, signal?: AbortSignal): Promise<BDict> {
    const body = await trackerGet(url, { timeoutMs: this.#timeoutMs, maxBytes: this.#maxReplyBytes, signal });
    const value = decodeTrackerReply(body, this.#maxReplyBytes);
    if (!isDict(value)) throw new ShoalError('protocol', 'The tracker sent a reply that is not a dictionary.');
    const failure = asBytes(value.get('failure reason'));
    if (failure) throw new ShoalError('network', `The tracker refused the request: ${cleanText(failure)}`);
    return value;
  }
}

// What the tracker said, in the words its users have seen in errors so far.
const malformed: Record<BencodeErrorReason, string> = {
  empty: 'empty reply',
  'too-long': 'reply too long',
  truncated: 'unexpected end',
  malformed: 'unexpected byte',
  'non-canonical': 'bad integer',
  'too-large': 'number out of range',
  'too-deep': 'nesting too deep',
  'too-many-values': 'too many items',
  'duplicate-key': 'duplicate key',
  'unsorted-keys': 'unsorted keys',
  'forbidden-key': 'forbidden key',
  trailing: 'trailing data',
};

/**
 * Decodes a tracker reply: exactly one value, depth and item counts capped so a hostile tracker
 * can neither blow the stack nor make us build millions of objects. Unsorted keys are tolerated
 * (many trackers send them); a scrape's binary info-hash keys stay exact.
 */
export function decodeTrackerReply(body: Uint8Array, maxBytes = 1 << 20): BValue {
  const limits: BencodeLimits = { maxBytes, maxDepth: 16, maxValues: 100_000, maxStringBytes: maxBytes, maxIntegerDigits: 16 };
  try {
    return bdecode(body, { limits, unsortedKeys: true });
  } catch (err) {
    if (!(err instanceof BencodeError)) throw err;
    throw new ShoalError('protocol', `The tracker sent a malformed reply (${malformed[err.reason]} at byte ${err.offset}).`);
  }
}

/** Tracker text shown to users: printable, one line, bounded. */
export function cleanText(bytes: Uint8Array): string {
  // eslint-disable-next-line no-control-regex
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 200);
}

function withQuery(url: string, query: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

const unreserved = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') unreserved[c.charCodeAt(0)] = 1;

/** Percent-encodes raw bytes (info_hash, peer_id), keeping only RFC 3986 unreserved characters. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b < 128 && unreserved[b] ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`;
  return out;
}

/** The scrape URL by convention: the last path segment's leading "announce" becomes "scrape". */
export function scrapeUrlFor(announceUrl: string): string | undefined {
  const q = announceUrl.indexOf('?');
  const path = q < 0 ? announceUrl : announceUrl.slice(0, q);
  const slash = path.lastIndexOf('/');
  if (!path.startsWith('announce', slash + 1)) return undefined;
  return `${path.slice(0, slash + 1)}scrape${announceUrl.slice(slash + 1 + 'announce'.length)}`;
}

function optionalCount(dict: BDict, key: string): number | undefined {
  const value = asInt(dict.get(key));
  return value !== undefined && value >= 0 ? value : undefined;
}

export function parseAnnounceReply(dict: BDict): AnnounceReply {
  const interval = asInt(dict.get('interval'));
  if (interval === undefined || interval < 0) throw new ShoalError('protocol', 'The tracker sent an announce reply without a valid interval.');
  const peers: PeerAddress[] = [];
  readPeers(dict.get('peers'), 4, peers);
  const peers6 = dict.get('peers6');
  if (peers6 !== undefined) readPeers(peers6, 6, peers);
  const minInterval = optionalCount(dict, 'min interval');
  const complete = optionalCount(dict, 'complete');
  const incomplete = optionalCount(dict, 'incomplete');
  const downloaded = optionalCount(dict, 'downloaded');
  const warning = asBytes(dict.get('warning message'));
  const trackerId = asBytes(dict.get('tracker id'));
  return {
    interval,
    peers,
    ...(minInterval !== undefined && { minInterval }),
    ...(complete !== undefined && { complete }),
    ...(incomplete !== undefined && { incomplete }),
    ...(downloaded !== undefined && { downloaded }),
    ...(warning && { warning: cleanText(warning) }),
    ...(trackerId && { trackerId: latin1(trackerId) }),
  };
}

function readPeers(value: BValue | undefined, family: 4 | 6, out: PeerAddress[]): void {
  if (value === undefined) return;
  if (value instanceof Uint8Array) {
    decodeCompactPeers(value, family, out, maxPeersPerReply);
    return;
  }
  if (!Array.isArray(value)) throw new ShoalError('protocol', 'The tracker sent a peer list of the wrong type.');
  // Dictionary model (BEP 3): { ip, port, peer id }; entries that make no sense are skipped.
  for (const item of value) {
    if (out.length >= maxPeersPerReply) return;
    if (!isDict(item)) continue;
    const ipBytes = asBytes(item.get('ip'));
    const ip = ipBytes && latin1(ipBytes);
    const port = asInt(item.get('port'));
    if (ip === undefined || isIP(ip) === 0 || port === undefined || port < 1 || port > 65535) continue;
    out.push({ host: ip, port });
  }
}

export function parseScrapeReply(dict: BDict, infoHash: Uint8Array): ScrapeReply {
  const files = dict.get('files');
  if (!isDict(files)) throw new ShoalError('protocol', 'The tracker sent a scrape reply without a files dictionary.');
  const entry = files.get(binaryKey(infoHash));
  if (entry === undefined) return { complete: 0, incomplete: 0, downloaded: 0 };
  if (!isDict(entry)) throw new ShoalError('protocol', 'The tracker sent a scrape entry that is not a dictionary.');
  return {
    complete: optionalCount(entry, 'complete') ?? 0,
    incomplete: optionalCount(entry, 'incomplete') ?? 0,
    downloaded: optionalCount(entry, 'downloaded') ?? 0,
  };
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
